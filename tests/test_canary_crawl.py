"""The canary leak crawl: every page, fragment and file each kind of person can reach holds
no canary they must not see (app/selfcheck). Also every e-mail sent while it ran."""

from __future__ import annotations

import pyotp
import pytest

from app.extensions import db
from app.mail import SENT
from app.selfcheck.canaries import PERSONAS, Plan, Rule, seed_canaries
from app.selfcheck.crawl import Fetched, crawl, leaks
from app.timeutil import utcnow
from tests.world import Snapshot, restore, snapshot

_SEEDED: dict[str, tuple[Plan, Snapshot]] = {}
# The e-mails sent while the canary data was made (the world is put back, not made again).
_MAIL: list = []


@pytest.fixture
def plan(app, tmp_path_factory) -> Plan:
    """Seeded once per test process (it compiles a version), put back for each test."""
    key = str(db.engine.url)
    if key in _SEEDED:
        seeded, saved = _SEEDED[key]
        restore(saved)
        return seeded
    seeded = seed_canaries(utcnow(), "canary password that is long enough")
    db.session.commit()
    _MAIL[:] = list(SENT)
    _SEEDED[key] = (seeded, snapshot(tmp_path_factory.mktemp("canaries")))
    return seeded


# What each persona must find, so that a clean crawl means something.
MUST_FIND = {
    "focal_point": "Canary report text",
    "conf_owner": "Canary confidential testimony",
    "reviewer": "Canary confidential testimony",
    "anon_owner": "Canary Person Anonymous Writer",
    "unlisted_owner": "Canary draft text",
    "facilitator": "Canary Unlisted Group",
    "stranger_owner": "Canary anonymous text",  # it may read accepted texts to sign on
    "visitor": "Canary anonymous text",  # published: on the reading pages and in search
    "translator": "Canary translated text",
}


def _fetcher(client):
    def fetch(url: str, htmx: bool) -> Fetched:
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, headers=headers)
        fetched = Fetched(response.status_code, response.content_type or "", response.data)
        response.close()
        return fetched

    return fetch


def _client(app, plan: Plan, persona: str):
    """A browser signed in through the forms, as the person would (so a focal point's
    password unlocks their key for this session)."""
    client = app.test_client()
    if persona != "visitor":
        account = plan.accounts[persona]
        data = {"identifier": account.username, "password": account.password}
        assert client.post("/sign-in", data=data).status_code == 303
        if account.totp_secret:
            code = pyotp.TOTP(account.totp_secret).now()
            assert client.post("/sign-in/code", data={"code": code}).status_code == 303
    return client


@pytest.mark.parametrize("persona", ["visitor", *PERSONAS])
def test_no_persona_sees_a_canary_it_must_not(app, plan, persona):
    pages = crawl(_fetcher(_client(app, plan, persona)), plan.seeds, per_shape=1)
    assert len(pages) > 20  # the crawl reached the site, not only error pages
    if persona in MUST_FIND:
        assert any(MUST_FIND[persona] in page.text for page in pages)
    found = leaks(pages, plan.rules, persona)
    assert not found, "\n".join(found)
    # Nothing an e-mail says may name or quote anyone (the writers were told of a comment).
    assert _MAIL
    for message in [*_MAIL, *SENT]:
        text = message.as_string()
        assert not [rule.canary for rule in plan.rules if rule.canary in text]


def test_a_leak_is_reported():
    from app.selfcheck.crawl import Page

    rules = [Rule("Canary Lead", {"owner"}, alongside=["their text"])]
    pages = [Page("/directory", 200, "Canary Lead"), Page("/s/1", 200, "Canary Lead their text")]
    assert leaks(pages, rules, "visitor") == ["visitor sees 'Canary Lead' at /s/1"]
    assert leaks(pages, rules, "owner") == []


@pytest.fixture
def live_server(app):
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_operator_crawl_signs_in_over_http_and_reads_what_it_may(plan, live_server):
    """scripts/canary_crawl.py against a running server: the focal point signs in with the
    password and the second factor, and reaches the report; a stranger does not."""
    from scripts.canary_crawl import check, crawl_as

    pages = crawl_as(live_server, plan, "focal_point")
    assert any(MUST_FIND["focal_point"] in page.text for page in pages)
    assert check(live_server, plan, ["stranger_owner"]) == []
