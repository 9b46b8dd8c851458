"""Rate limits hold as configured across web processes, and through a Redis outage.

Each test starts two real processes, each with its own app built from the shipped
configuration (as two gunicorn workers are), and sends them requests in turn.
"""

import os
import secrets
import sqlite3
import stat

import pytest
from sqlalchemy import create_engine

from app.extensions import db as _db
from app.ratelimits import MachineStorage, machine_store_path
from tests.app_process import AppProcess
from tests.factories import PASSWORD

DEAD_REDIS = "redis://127.0.0.1:1/0"
WRONG = "wrong password here"


@pytest.fixture
def start_two(tmp_path):
    """start_two(redis_url) gives two app processes sharing a database and a machine."""
    database_url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    engine = create_engine(database_url)
    _db.metadata.create_all(engine)
    engine.dispose()
    # A secret of their own keeps these counters apart from any other test's, in Redis too.
    secret = secrets.token_urlsafe(32)
    started = []

    def start(redis_url: str | None) -> list[AppProcess]:
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "RATELIMIT_STORE_DIR"}}
        env["RATELIMIT_STORE_DIR"] = str(tmp_path / "store")
        if redis_url:
            env["REDIS_URL"] = redis_url
        started.extend(
            AppProcess(database_url, secret, env, tmp_path / f"process-{n}.log") for n in (1, 2)
        )
        return started

    yield start
    for process in started:
        process.close()


def _in_turn(processes, count: int, path: str, data, address) -> list[dict]:
    """`count` requests, sent to the processes in turn; data and address may depend on i."""
    return [
        processes[i % len(processes)].post(
            path,
            data(i) if callable(data) else data,
            address(i) if callable(address) else address,
        )
        for i in range(count)
    ]


def _statuses(answers: list[dict]) -> list[int]:
    return [answer["status"] for answer in answers]


@pytest.mark.parametrize("store", ["machine", "redis"])
def test_limits_hold_as_configured_across_two_processes(start_two, store, request, tmp_path):
    redis_url = request.getfixturevalue("redis_url") if store == "redis" else None
    processes = start_two(redis_url)
    processes[0].make_user(username="amir")

    per_client = _in_turn(
        processes,
        11,
        "/sign-in",
        lambda i: {"identifier": f"name{i}", "password": WRONG},
        "198.51.100.7",
    )
    assert _statuses(per_client) == [422] * 10 + [429]

    per_account = _in_turn(
        processes,
        11,
        "/sign-in",
        {"identifier": "amir", "password": WRONG},
        lambda i: f"203.0.113.{i + 1}",
    )
    assert _statuses(per_account) == [422] * 10 + [429]

    codes = _in_turn(processes, 11, "/safety/follow-up", {"code": "NOT-A-CODE"}, "192.0.2.9")
    assert _statuses(codes) == [422] * 10 + [429]

    if store == "machine":
        keys = _stored_keys(tmp_path / "store")
        assert keys, "the counters are in the machine's store"
        for secret in ("198.51.100.7", "203.0.113.1", "192.0.2.9", "amir"):
            assert not any(secret in key for key in keys)


def _stored_keys(store_dir) -> list[str]:
    (path,) = store_dir.glob("gcm-limits-*/counters.sqlite")
    with sqlite3.connect(path) as connection:
        return [key for (key,) in connection.execute("SELECT key FROM counters")]


LIMITED_FORMS = [
    ("/sign-in", {"identifier": "nobody", "password": WRONG}, 10),
    ("/sign-up", {"display_name": "x"}, 5),
    ("/reset", {"email": "someone@example.org"}, 5),
    ("/reset/recovery-code", {"identifier": "nobody"}, 5),
    ("/sign-in/code", {"code": "123456"}, 10),
    ("/safety/report", {"what_happened": "They followed me home."}, 10),
    ("/safety/follow-up", {"code": "NOT-A-CODE"}, 10),
]


def test_with_redis_down_limited_forms_answer_and_limits_still_count(start_two):
    processes = start_two(DEAD_REDIS)
    processes[0].make_user(username="amir", two_factor=True)
    for number, (path, data, allowed) in enumerate(LIMITED_FORMS):
        address = f"198.51.100.{number + 20}"
        if path == "/sign-in/code":
            for process in processes:  # each is half-way signed in, waiting for the code
                signed = process.post("/sign-in", {"identifier": "amir", "password": PASSWORD})
                assert signed["status"] == 303
        answers = _in_turn(processes, allowed + 1, path, data, address)
        statuses = _statuses(answers)
        assert all(status < 500 for status in statuses), (path, statuses)
        assert 429 not in statuses[:allowed], (path, statuses)
        assert statuses[allowed] == 429, (path, statuses)
        assert "Try again in" in answers[allowed]["body"]


def test_the_machine_store_is_private_and_overwrites_what_it_deletes(tmp_path):
    path = machine_store_path({"SECRET_KEY": "k", "RATELIMIT_STORE_DIR": str(tmp_path)})
    store = MachineStorage(path=str(path))
    store.incr("a-key", 60)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store._connection().execute("PRAGMA secure_delete").fetchone() == (1,)
    # Processes of another instance (another secret) keep their own file.
    assert machine_store_path({"SECRET_KEY": "other", "RATELIMIT_STORE_DIR": str(tmp_path)}) != path


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm on this machine")
def test_the_machine_store_is_on_tmpfs_by_default():
    path = machine_store_path({"SECRET_KEY": "k", "RATELIMIT_STORE_DIR": None})
    assert str(path).startswith("/dev/shm/gcm-limits-")


def test_the_machine_store_deletes_counters_whose_window_ended(tmp_path):
    now = [1_000_000.0]
    store = MachineStorage(path=str(tmp_path / "limits" / "counters.sqlite"), clock=lambda: now[0])
    assert [store.incr("old", 60) for _ in range(3)] == [1, 2, 3]
    now[0] += 61
    assert store.get("old") == 0
    assert store.incr("new", 60) == 1  # counting purges ended windows now and then
    rows = store._connection().execute("SELECT key FROM counters").fetchall()
    assert rows == [("new",)]
    assert store.incr("old", 60) == 1  # an ended window starts again from one
