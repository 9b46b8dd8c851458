"""Engine settings that depend on the database in use."""

import logging
import os
import re
from typing import cast

from sqlalchemy import CursorResult, Result, event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)


def apply_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Deleted rows are overwritten on disk, not left readable in free pages.
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def configure_engine_events() -> None:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", apply_sqlite_pragmas)
    event.listen(engine, "begin", _note_begin)
    event.listen(engine, "before_cursor_execute", _note_statement)
    # A forked job worker must not share the parent's database connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))


def rowcount(result: Result) -> int:
    """How many rows an UPDATE or DELETE run by the session changed. Session.execute is typed
    as returning a Result; for these statements it is a CursorResult, which has the count."""
    return cast(CursorResult, result).rowcount


def checkpoint_after_commit() -> None:
    """After the current transaction commits, fold SQLite's write-ahead log into the database
    file and empty it. secure_delete zeroes a deleted row in the page it writes, but the WAL
    (and, until the checkpoint, the database file) still hold the page as it was before."""
    db.session.info["checkpoint"] = True


@event.listens_for(Session, "after_commit")
def _checkpoint_if_asked(session: Session) -> None:
    if session.info.pop("checkpoint", False):
        checkpoint_sqlite()


@event.listens_for(Session, "after_rollback")
def _forget_checkpoint(session: Session) -> None:
    session.info.pop("checkpoint", None)


def checkpoint_sqlite() -> bool:
    """PRAGMA wal_checkpoint(TRUNCATE); True when done (always on other databases). It waits
    up to busy_timeout for readers; if one still holds an old snapshot it logs a warning, and
    the old pages stay in the WAL file until SQLite writes over them."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy, _frames, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("SQLite checkpoint after a deletion could not finish: a reader was busy")
    return not busy


# Requests that only read end their transaction with COMMIT rather than ROLLBACK. The two
# are the same for a transaction that changed nothing, but psycopg forgets every statement it
# prepared when it sees a ROLLBACK, so with a rollback at the end of each request PostgreSQL
# parsed and planned every statement afresh; after a commit, a statement run five times on
# a connection is prepared once and then only executed. Anything other than a read (or a
# SET/SHOW) marks the transaction as a writer, and a writer that did not commit is still
# rolled back, as is every request that ended with an error.
_READS = re.compile(r"\s*(SELECT|SET|SHOW|RESET)\b", re.IGNORECASE)
_WITH = re.compile(r"\s*WITH\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _note_begin(connection) -> None:
    connection.info["wrote"] = False


def _note_statement(connection, _cursor, statement: str, *_args) -> None:
    if connection.info.get("wrote"):
        return
    reads = _READS.match(statement) or (_WITH.match(statement) and not _WRITES.search(statement))
    if not reads:
        connection.info["wrote"] = True


def end_read_only_transaction(error: BaseException | None) -> None:
    """At the end of a request: COMMIT a transaction that only read (see above)."""
    session = db.session()
    unflushed = session.new or session.dirty or session.deleted
    if error is not None or not session.in_transaction() or unflushed:
        return
    connection = session.connection()
    if connection.info.get("wrote", True):
        return
    try:
        session.commit()
    except Exception:  # the rollback that follows (Flask-SQLAlchemy's teardown) cleans up
        log.warning("ending a read-only transaction failed", exc_info=True)
