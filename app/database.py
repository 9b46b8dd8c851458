"""Engine settings that depend on the database in use."""

import logging
import os
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
