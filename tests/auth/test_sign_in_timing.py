"""Whether an account exists must not show in how long sign-in and resets take."""

import time
from statistics import median

import pytest

from app import jobs
from app.jobs import execute
from app.mail import SENT
from tests.factories import make_user

TRIES = 21


@pytest.fixture
def real_argon2_cost(app, monkeypatch):
    """Argon2 costly enough (tens of milliseconds) that a timing measures it, not noise.
    The test app's own cost is tiny; the settings are read on each use, so this app serves.
    (A second app in this process would rebind the shared rate limiter.)"""
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 2)
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_COST", 16384)
    monkeypatch.setitem(app.config, "ARGON2_PARALLELISM", 1)
    monkeypatch.setitem(app.config, "RATELIMIT_SIGN_IN", "1000 per minute")


def _timed_sign_in(client, identifier: str) -> float:
    """The processor time that serving one sign-in takes (the test client serves it in this
    thread). Unlike the time on the clock, it does not grow when other programs share the
    machine's processors; waiting for the database is compared statement by statement in
    the test below."""
    start = time.thread_time()
    response = client.post("/sign-in", data={"identifier": identifier, "password": "not it, no"})
    elapsed = time.thread_time() - start
    assert response.status_code == 422
    return elapsed


def test_a_wrong_name_takes_as_long_as_a_wrong_password(real_argon2_cost, client):
    make_user(username="amir")  # hashed with the cost above
    _timed_sign_in(client, "amir"), _timed_sign_in(client, "nobody-here")  # warm up
    known, unknown = [], []
    for turn in range(TRIES):  # in turns, so that a slow moment weighs on both
        pair = [(known, "amir"), (unknown, "nobody-here")]
        for times, name in pair if turn % 2 else reversed(pair):
            times.append(_timed_sign_in(client, name))
    # The least time each took: the work itself, which the machine's other load can only
    # add to. Argon2 is bound by memory speed, so on a busy machine (the browser tests on
    # the other core) single sign-ins vary by more than the tolerance, and so did medians
    # of 21 (a CI run saw 37.3 ms against 33.7 ms). Without the verification for a wrong
    # name, the two minima differ by far more than a tenth.
    slower, faster = sorted([min(known), min(unknown)], reverse=True)
    assert slower <= faster * 1.10, (
        f"least times: known {min(known)}, unknown {min(unknown)}; "
        f"medians: known {median(known)}, unknown {median(unknown)}"
    )


def _statements(count_queries, ask) -> list[str]:
    with count_queries() as statements:
        ask()
    return statements


def test_a_wrong_name_and_a_wrong_password_do_the_same_database_work(client, count_queries, db):
    make_user(username="amir")

    def sign_in(identifier):
        response = client.post("/sign-in", data={"identifier": identifier, "password": "x"})
        assert response.status_code == 422

    known = _statements(count_queries, lambda: sign_in("amir"))
    unknown = _statements(count_queries, lambda: sign_in("nobody"))
    assert known == unknown
    assert any(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS") for s in known)


def test_a_recovery_code_reset_does_the_same_work_whether_or_not_the_account_exists(
    client, count_queries
):
    make_user(username="amir")
    new = "river stones under the bridge"

    def reset(identifier):
        data = {"identifier": identifier, "code": "aaaa-bbbb-cccc-dddd"}
        response = client.post(
            "/reset/recovery-code", data={**data, "password": new, "password_confirm": new}
        )
        assert response.status_code == 422

    assert _statements(count_queries, lambda: reset("amir")) == _statements(
        count_queries, lambda: reset("nobody")
    )


def test_a_reset_request_does_the_same_work_whether_or_not_an_account_has_the_address(
    client, count_queries, monkeypatch
):
    make_user(email="amir@example.org")
    dispatched: list[str] = []
    monkeypatch.setattr(jobs, "_dispatch", lambda app, record_id: dispatched.append(record_id))

    def ask(email):
        assert client.post("/reset", data={"email": email}).status_code == 200

    known = _statements(count_queries, lambda: ask("amir@example.org"))
    unknown = _statements(count_queries, lambda: ask("nobody@example.org"))
    assert known == unknown
    assert len(dispatched) == 2
    # The jobs (out of the request) send the one link there is to send.
    while dispatched:
        execute(dispatched.pop(0))
    assert [message["To"] for message in SENT] == ["amir@example.org"]
