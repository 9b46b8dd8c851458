"""Shared fixtures: the app on SQLite or PostgreSQL, a clean database per test, clients."""

from __future__ import annotations

import contextvars
import os
import shutil
from datetime import UTC, datetime

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app, timeutil
from app.config import (
    TestConfig,
    backend_for_tests,
    postgres_url_for_tests,
    redis_url_for_tests,
    running_in_ci,
)
from app.extensions import db as _db
from app.extensions import limiter
from app.mail import SENT
from tests.factories import sign_in


def need_service(name: str, reason: str) -> None:
    """Skip when a service is missing on a laptop; in CI a missing service fails the run."""
    message = f"{name} is not available: {reason}"
    if running_in_ci():
        pytest.fail(message)
    pytest.skip(message)


def _postgres_url(worker: str) -> str:
    base = postgres_url_for_tests()
    if not base:
        need_service("PostgreSQL", "TEST_DATABASE_URL is not set")
    url = make_url(base)
    name = f"{url.database}_{worker}" if worker != "main" else url.database
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # pragma: no cover - depends on the machine
        need_service("PostgreSQL", str(error))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id) -> str:
    if backend_for_tests() == "postgres":
        return _postgres_url(worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, like a request from another process.

    What the test created is committed first, so the request sees it; afterwards the
    test's session forgets cached rows, so the test sees what the request changed.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed inside the isolated request
            return super().open(*args, **kwargs)
        _db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            _db.session.expire_all()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    files = tmp_path_factory.mktemp("files")
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=database_url,
            UPLOAD_DIR=str(files / "uploads"),
            COMPILATION_DIR=str(files / "compilations"),
        )
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(app):
    """Each test starts with empty tables and file stores, no sent mail, fresh rate limits,
    a real clock. (Ids start again on SQLite, so files left behind would be found again.)"""
    ctx = app.app_context()
    ctx.push()
    yield
    _db.session.remove()
    with _db.engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
    for setting in ("UPLOAD_DIR", "COMPILATION_DIR"):
        shutil.rmtree(app.config[setting], ignore_errors=True)
    ctx.pop()
    SENT.clear()
    limiter.reset()
    timeutil._frozen = None
    _forget_kept_pages(app)


def _forget_kept_pages(app) -> None:
    """Tables were emptied behind the ORM's back: pages kept by this test must not serve the
    next one (which may reuse the same ids and slugs)."""
    from app.pagecache import PUBLIC, STAFF

    cache = app.extensions.get("pagecache")
    if cache is not None:
        cache.store.bump({PUBLIC, STAFF})


@pytest.fixture
def redis_url():
    url = redis_url_for_tests()
    if not url:
        need_service("Redis", "REDIS_URL is not set")
    from redis import Redis

    try:
        Redis.from_url(url).ping()
    except Exception as error:
        need_service("Redis", str(error))
    return url


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock():
    """Set the application's clock: clock.set(datetime) or clock.advance(timedelta)."""

    class Clock:
        def set(self, moment: datetime) -> datetime:
            timeutil._frozen = moment
            return moment

        def advance(self, delta) -> datetime:
            return self.set((timeutil._frozen or datetime.now(UTC)) + delta)

    return Clock()


@pytest.fixture
def signed_in_client(app):
    """A factory: signed_in_client(user) gives a test client signed in as that user."""

    def make(user):
        client = app.test_client()
        sign_in(client, user)
        return client

    return make


def pytest_sessionfinish(session, exitstatus):
    """In CI every test must run: a skip means a service was missing, and fails the run."""
    if not running_in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; failing the run.", red=True)
        session.exitstatus = 1


os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
