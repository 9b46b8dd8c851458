"""Redis down (a dead port) from the start: sign-in, pages, saves and starting a compilation
all answer, never a 5xx. The app is built as shipped: rate limits and kept pages on Redis."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.compilations.models import Compilation
from app.config import Config, TestConfig
from app.extensions import db as _db
from tests.conftest import IsolatedClient
from tests.factories import (
    PASSWORD,
    make_consultation,
    make_org,
    make_submission,
    make_user,
    sign_in,
)

DEAD_REDIS = "redis://127.0.0.1:1/1"  # nothing listens on port 1


@pytest.fixture
def dead_redis_app(database_url, tmp_path):
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=database_url,
            UPLOAD_DIR=str(tmp_path / "uploads"),
            COMPILATION_DIR=str(tmp_path / "compilations"),
            REDIS_URL=DEAD_REDIS,
            RATELIMIT_STORAGE_URI=Config.RATELIMIT_STORAGE_URI,
            RATELIMIT_STORE_DIR=str(tmp_path / "limits"),
            PAGE_CACHE_SHARED=True,
        )
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


def test_with_redis_down_nothing_answers_5xx(dead_redis_app, scenario):
    from app.submissions.models import Section

    assert dead_redis_app.extensions["pagecache"].store.__class__.__name__ == "RedisStore"
    slug = scenario.consultation.slug
    visitor = dead_redis_app.test_client()
    statuses = {
        "list": visitor.get("/consultations").status_code,
        "consultation": visitor.get(f"/consultations/{slug}").status_code,
    }
    person = make_user(username="redisdown")
    _db.session.commit()
    signing_in = dead_redis_app.test_client()
    statuses["sign-in"] = signing_in.post(
        "/sign-in", data={"identifier": "redisdown", "password": PASSWORD}
    ).status_code
    statuses["wrong password"] = signing_in.post(
        "/sign-in", data={"identifier": "redisdown", "password": "not the password at all"}
    ).status_code

    editor = make_user()
    draft = make_submission(make_consultation(), make_org(editor), texts={"q1": "Draft."})
    section = _db.session.scalar(
        select(Section).where(Section.submission_id == draft.id, Section.key == "q1")
    )
    path = f"/submissions/{draft.id}/sections/q1"
    base = section.current_revision_id
    writer = dead_redis_app.test_client()
    sign_in(writer, editor)
    statuses["editor"] = writer.get(path).status_code
    statuses["save"] = writer.post(path, data={"body": "Draft. More.", "base_revision": base})
    statuses["save"] = statuses["save"].status_code
    statuses["home"] = writer.get("/").status_code
    facilitator = dead_redis_app.test_client()
    sign_in(facilitator, scenario.facilitator)
    statuses["compile"] = facilitator.post(
        f"/consultations/{slug}/compilations", data={"grouping": "question", "language": "en"}
    ).status_code
    statuses["compilations"] = facilitator.get(f"/consultations/{slug}/compilations").status_code
    assert person.id and section.id
    assert all(status < 500 for status in statuses.values()), statuses
    assert statuses["sign-in"] == 303 and statuses["compile"] == 303
    assert statuses["list"] == statuses["consultation"] == statuses["editor"] == 200
    assert statuses["save"] == 200
    _db.session.expire_all()
    assert _db.session.get(Section, section.id).text == "Draft. More."
    assert _db.session.scalar(select(Compilation.number)) == 1  # built in the web process
