"""The database failing, and a session ending, never lose what was typed.

- While the database fails, every page is the plain 503 error page (made without the
  database: no account lookup, nothing read), and a form's text comes back in it.
- On PostgreSQL, connections terminated by the server (`pg_terminate_backend`, as in a
  restart) are replaced: idle ones unnoticed, one lost in the middle of a GET by running the
  request again; a save that cannot be done gives its text back, and the next one works.
- Without JavaScript, a save sent after the session ended shows the text back.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig, backend_for_tests
from app.extensions import db as _db
from app.submissions.models import Revision, Section
from tests.conftest import IsolatedClient, _postgres_url
from tests.factories import make_consultation, make_org, make_submission, make_user, sign_in

TYPED = "Workers told us the agency kept their passports. Nobody may lose this sentence."


def _writer_and_submission():
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    submission = make_submission(make_consultation(), org, texts={"q1": "First text."})
    return editor, submission


def _latest(submission_id: int) -> int | None:
    return _db.session.scalar(
        select(Revision.id)
        .join(Section, Section.id == Revision.section_id)
        .where(Section.submission_id == submission_id, Section.key == "q1")
        .order_by(Revision.id.desc())
        .limit(1)
    )


def _save(client, submission, body=TYPED, base=None, **headers):
    """A plain-form save of section q1, based on its latest revision."""
    submission_id = submission if isinstance(submission, int) else submission.id
    base = base or _latest(submission_id)
    _db.session.commit()
    return client.post(
        f"/submissions/{submission_id}/sections/q1",
        data={"body": body, "base_revision": base or ""},
        headers=headers,
    )


def _revisions(db) -> list[str]:
    db.session.expire_all()
    return [r.body for r in db.session.scalars(select(Revision))]


# --- A session that ended -------------------------------------------------------------


def test_a_plain_form_save_after_the_session_ended_shows_the_text_back(signed_in_client, db, clock):
    editor, submission = _writer_and_submission()
    client = signed_in_client(editor)
    assert client.get(f"/submissions/{submission.id}/sections/q1").status_code == 200
    clock.advance(timedelta(hours=2))  # idle for longer than the timeout

    response = _save(client, submission)
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert TYPED in page
    assert "You were signed out. Copy your text, or sign in again in another tab." in page
    assert "/sign-in" in page
    assert TYPED not in _revisions(db)


def test_with_htmx_a_save_after_the_session_ended_still_answers_briefly(
    signed_in_client, db, clock
):
    editor, submission = _writer_and_submission()
    client = signed_in_client(editor)
    client.get(f"/submissions/{submission.id}/sections/q1")
    clock.advance(timedelta(hours=2))
    response = _save(client, submission, **{"HX-Request": "true"})
    assert response.status_code == 401
    assert "<html" not in response.get_data(as_text=True)  # the editor keeps its text


# --- The database failing ----------------------------------------------------------------


class DatabaseDown:
    """Every statement fails, as when the database server is gone."""

    def __init__(self, engine):
        self.engine = engine
        self.failed = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.failed += 1
        raise OperationalError(
            statement, parameters, ConnectionError("server closed the connection"), True
        )

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


def test_while_the_database_fails_pages_are_the_plain_503_page(signed_in_client, db):
    editor, submission = _writer_and_submission()
    client = signed_in_client(editor)
    submission_id = submission.id
    base = _latest(submission_id)
    db.session.commit()
    with DatabaseDown(db.engine) as down:
        page = client.get("/consultations")
        save = _save(client, submission_id, base=base)
    assert down.failed >= 2  # the account was looked up, and the request run once more
    assert page.status_code == 503
    assert "The site is busy" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert save.status_code == 503
    body = save.get_data(as_text=True)
    assert TYPED in body
    assert "Nothing of this was saved. What you typed is below" in body
    # The database is back: the same save works.
    assert _save(client, submission).status_code == 200
    assert TYPED in _revisions(db)


# --- PostgreSQL: connections terminated by the server ----------------------------------


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory, worker_id):
    """An app on its own PostgreSQL database, in the SQLite run of the suite too."""
    if backend_for_tests() == "postgres":
        name = f"dbfaults_{worker_id}"
    else:
        name = f"dbfaults_sqliterun_{worker_id}"
    url = _postgres_url(name)
    files = tmp_path_factory.mktemp("pgfiles")
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=url,
            UPLOAD_DIR=str(files / "uploads"),
            COMPILATION_DIR=str(files / "compilations"),
        )
    )
    application.test_client_class = IsolatedClient
    assert application.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    with application.app_context():
        _db.create_all()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    yield application, admin
    admin.dispose()
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def pg(pg_app):
    application, admin = pg_app
    with application.app_context():
        yield application, admin
        _db.session.remove()
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


def _terminate(admin, pids) -> None:
    """pg_terminate_backend, then wait until those backends are really gone."""
    with admin.connect() as connection:
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                {"pids": list(pids)},
            ).scalar()
            if not alive:
                return
            time.sleep(0.02)  # the server ends them asynchronously
    raise AssertionError("the backends did not end")


def _app_backends(admin) -> list[int]:
    with admin.connect() as connection:
        return list(
            connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        )


class KillMidRequest:
    """Terminate the connection running the next statements that mention `word`."""

    def __init__(self, engine, admin, word: str, times: int):
        self.engine, self.admin, self.word, self.times = engine, admin, word, times
        self.killed = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.killed < self.times and self.word in statement:
            self.killed += 1
            _terminate(self.admin, [conn.connection.dbapi_connection.info.backend_pid])

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


def test_idle_connections_terminated_by_the_server_are_replaced(pg):
    application, admin = pg
    editor, submission = _writer_and_submission()
    client = application.test_client()
    sign_in(client, editor)
    assert client.get(f"/submissions/{submission.id}/sections/q1").status_code == 200
    _db.session.commit()
    backends = _app_backends(admin)
    assert backends  # the app holds pooled connections
    _terminate(admin, backends)
    for _ in range(3):
        assert client.get(f"/submissions/{submission.id}/sections/q1").status_code == 200
    assert _save(client, submission).status_code == 200


def test_a_connection_lost_in_the_middle_of_a_get_is_run_again(pg):
    application, admin = pg
    editor, submission = _writer_and_submission()
    client = application.test_client()
    sign_in(client, editor)
    _db.session.commit()
    with KillMidRequest(_db.engine, admin, "sections", times=1) as kill:
        response = client.get(f"/submissions/{submission.id}/sections/q1")
    assert kill.killed == 1
    assert response.status_code == 200
    assert "First text." in response.get_data(as_text=True)


def test_a_save_that_cannot_be_done_gives_the_text_back_and_the_next_one_works(pg):
    application, admin = pg
    editor, submission = _writer_and_submission()
    client = application.test_client()
    sign_in(client, editor)
    _db.session.commit()
    # Every try of the save loses its connection (the server restarting over and over).
    submission_id = submission.id
    with KillMidRequest(_db.engine, admin, "INSERT INTO revisions", times=100) as kill:
        response = _save(client, submission_id)
    assert kill.killed >= 2
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert TYPED in page and "Nothing of this was saved" in page
    assert TYPED not in _revisions(_db)
    again = _save(client, submission)
    assert again.status_code == 200
    assert TYPED in _revisions(_db)
