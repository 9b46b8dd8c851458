"""Engine settings that depend on the database in use."""

import os

from sqlalchemy import event

from app.extensions import db


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
