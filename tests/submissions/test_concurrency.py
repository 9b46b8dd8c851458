"""Many people save the same section at once, through HTTP, against a running server.

25 writers start from the same (soon stale) revision: 20 change different paragraphs,
5 more change the same words as writer 0. Every answer must be 200 or 409; every 200's
text must be in the history (and its change in the final text when nobody else touched
the same words); every 409 must leave both texts retrievable; nothing else may happen.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.submissions.models import Revision, Section
from tests.factories import (
    make_consultation,
    make_org,
    make_submission,
    make_user,
    signed_in_cookie,
)

PARAGRAPHS = 20
CLASHING = 5
INITIAL = "\n\n".join(f"Paragraph {i}: workers say wages come late." for i in range(PARAGRAPHS))


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()


class Writer:
    """A person with their own signed-in session (made directly: sign-in is rate limited)."""

    def __init__(self, app, port: int, user):
        serializer = app.session_interface.get_signing_serializer(app)
        session = signed_in_cookie(user)
        name = app.config["SESSION_COOKIE_NAME"]
        self.port, self.cookie = port, f"{name}={serializer.dumps(session)}"

    def post(self, path: str, fields: dict) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = urllib.parse.urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(value)
            self.cookie = "; ".join(f"{k}={m.value}" for k, m in cookie.items())
        result = (response.status, dict(response.headers), response.read().decode())
        connection.close()
        return result


def _edit(writer_number: int) -> str:
    """Writers 0..19 change their own paragraph; the clashing ones change paragraph 0."""
    paragraph = writer_number if writer_number < PARAGRAPHS else 0
    lines = INITIAL.split("\n\n")
    lines[paragraph] = lines[paragraph].replace("late", f"late-W{writer_number}")
    return "\n\n".join(lines)


def test_twenty_five_concurrent_stale_saves_lose_nothing(app, db, server):
    owner = make_user(username="lead-owner")
    editors = [make_user(username=f"writer{n}") for n in range(PARAGRAPHS + CLASHING)]
    org = make_org(owner, members=dict.fromkeys(editors, "editor"))
    submission = make_submission(make_consultation(), org, texts={"q1": INITIAL})
    section = next(s for s in submission.sections if s.key == "q1")
    base = section.current_revision_id
    writers = [Writer(app, server, editor) for editor in editors]
    barrier = threading.Barrier(len(writers))
    results: dict[int, tuple[int, dict, str]] = {}

    def run(number: int) -> None:
        barrier.wait()
        results[number] = writers[number].post(
            f"/submissions/{submission.id}/sections/q1",
            {"body": _edit(number), "base_revision": str(base)},
        )

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(writers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    db.session.expire_all()
    final = db.session.get(Revision, db.session.get(Section, section.id).current_revision_id)
    statuses = {n: r[0] for n, r in results.items()}
    assert len(results) == len(writers)
    assert set(statuses.values()) <= {200, 409}, statuses

    expected_revisions = 1  # the initial text
    for number, (status, headers, _body) in results.items():
        posted = _edit(number)
        if status == 200:
            own_id = headers.get("X-Own-Revision") or headers["X-Revision"]
            assert db.session.get(Revision, int(own_id)).body == posted
            expected_revisions += 2 if headers.get("X-Merged") == "1" else 1
            if 0 < number < PARAGRAPHS:
                assert f"late-W{number}" in final.body
        else:
            kept = db.session.scalars(
                select(Revision).where(Revision.kind == "conflict", Revision.body == posted)
            ).all()
            assert len(kept) == 1
            expected_revisions += 1

    clashing = [n for n in [0, *range(PARAGRAPHS, PARAGRAPHS + CLASHING)] if statuses[n] == 200]
    assert len(clashing) == 1  # the same words: one wins, the others get 409 and keep theirs
    assert f"late-W{clashing[0]}" in final.body
    assert sum(1 for n in range(1, PARAGRAPHS) if statuses[n] == 200) == PARAGRAPHS - 1
    total = db.session.scalar(
        select(func.count(Revision.id)).where(Revision.section_id == section.id)
    )
    assert total == expected_revisions
