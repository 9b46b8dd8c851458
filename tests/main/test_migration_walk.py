"""Every migration, down and up again, on a database with demo data: nothing is lost.

At each revision, from the newest down, the step down is tried without force. Either it
refuses (the data it would delete is there) and the database is exactly as it was, or it
goes through, and going up again gives back every row and every value it had. Then the
step down is forced, and the walk goes on below.
"""

from __future__ import annotations

import os

import flask_migrate
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from app import create_app
from app.config import TestConfig
from app.extensions import db as _db
from app.migration_guard import DestructiveDowngrade

# Columns that only hold bookkeeping (each migration's text says so): not compared.
# Derived from files kept elsewhere and rebuilt by `flask reading reindex` (migration 0019
# says so): a downgrade drops them without losing anything that cannot be made again.
DERIVED_PREFIXES = ("published_passage",)
BOOKKEEPING = {
    ("outbox", "attempts"),
    ("outbox", "next_attempt_at"),
    ("outbox", "failed_at"),
    ("outbox", "last_error"),
    ("deadline_reminders", "emailed_at"),
    ("session_registrations", "emailed"),
    ("jobs", "runner"),
    ("jobs", "queued_at"),
}


@pytest.fixture
def migrated_app(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'walk.sqlite'}"
    else:
        from tests.main.test_cli_and_health import _fresh_postgres_database

        url = _fresh_postgres_database(database_url)
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=url,
            UPLOAD_DIR=str(tmp_path / "uploads"),
            COMPILATION_DIR=str(tmp_path / "compilations"),
        )
    )
    with application.app_context():
        flask_migrate.upgrade()
        result = application.test_cli_runner().invoke(
            args=["demo-data", "--orgs", "4", "--submissions", "3"]
        )
        assert result.exit_code == 0, result.output
        yield application
        _db.session.remove()
        _db.engine.dispose()


def _snapshot() -> dict[str, int]:
    """Rows per table and values per column, of every table there is now."""
    _db.session.remove()
    figures: dict[str, int] = {}
    with _db.engine.connect() as connection:
        inspector = inspect(connection)
        for table in inspector.get_table_names():
            if table == "alembic_version" or table.startswith(DERIVED_PREFIXES):
                continue
            figures[table] = connection.scalar(text(f'SELECT count(*) FROM "{table}"'))
            for column in inspector.get_columns(table):
                if (table, column["name"]) in BOOKKEEPING:
                    continue
                figures[f"{table}.{column['name']}"] = connection.scalar(
                    text(f'SELECT count("{column["name"]}") FROM "{table}"')
                )
    return figures


def _revision() -> str | None:
    with _db.engine.connect() as connection:
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _config():
    return current_app.extensions["migrate"].migrate.get_config()


def _downgrade(target: str, force: bool = False) -> None:
    """alembic's own command: flask_migrate's would turn the refusal into an exit."""
    if force:
        os.environ["ALLOW_DESTRUCTIVE_DOWNGRADE"] = "1"
    try:
        command.downgrade(_config(), target)
    finally:
        os.environ.pop("ALLOW_DESTRUCTIVE_DOWNGRADE", None)
        _db.session.remove()


def test_every_migration_goes_down_and_up_without_losing_anything(migrated_app):
    script = ScriptDirectory.from_config(_config())
    chain = [step.revision for step in script.walk_revisions()]  # newest first
    assert _revision() == chain[0]
    before = _snapshot()
    assert before["submissions"] > 0 and before["users"] > 0  # there is data to lose

    refused = []
    for index, revision in enumerate(chain):
        below = chain[index + 1] if index + 1 < len(chain) else "base"
        here = _snapshot()
        try:
            _downgrade(below)
        except DestructiveDowngrade as refusal:
            assert "force=1" in str(refusal) and "would delete data" in str(refusal)
            assert _revision() == revision
            assert _snapshot() == here, f"refusing {revision} changed the database"
            refused.append(revision)
            _downgrade(below, force=True)
            continue
        except SQLAlchemyError as error:  # pragma: no cover - shows which step broke
            raise AssertionError(f"downgrading {revision} failed: {error}") from error
        command.upgrade(_config(), revision)
        _db.session.remove()
        assert _revision() == revision
        assert _snapshot() == here, f"{revision} down and up lost data"
        _downgrade(below)

    assert _revision() is None
    # Demo data fills the tables these migrations make: their downgrades refused.
    assert {"0001", "0002", "0003", "0004", "0006"} <= set(refused)
    command.upgrade(_config(), "head")
    _db.session.remove()
    with _db.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(text("users"))) == 0
