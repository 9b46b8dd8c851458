"""Jobs run in-process without Redis, and through a real rq worker with it."""

import os
import subprocess
import sys
import uuid

import pytest

from app.jobs import JobRecord, enqueue
from app.mail import SENT, OutboxMessage, queue_email
from tests.factories import make_user


def test_in_process_job_runs_after_commit_and_records_progress(db):
    record = enqueue("selftest", 4)
    assert record.state == "queued"
    db.session.commit()
    db.session.expire_all()
    finished = db.session.get(JobRecord, record.id)
    assert finished.state == "finished"
    assert finished.fraction == 1.0
    assert finished.stage == "working"


def test_rolled_back_job_never_runs(db):
    record = enqueue("selftest", 2)
    record_id = record.id
    db.session.rollback()
    db.session.commit()
    assert db.session.get(JobRecord, record_id) is None


def test_email_goes_through_the_outbox_and_leaves_nothing_behind(db):
    user = make_user(email="amir@example.org")
    assert queue_email(user, "password_reset", token="abc")
    db.session.commit()
    assert len(SENT) == 1
    assert "/reset/abc" in SENT[0].get_content()
    assert db.session.query(OutboxMessage).count() == 0


def test_no_mail_backend_sends_nothing_and_fails_nothing(db, app):
    user = make_user(email="amir@example.org")
    app.config["MAIL_BACKEND"] = "none"
    try:
        assert not queue_email(user, "password_reset", token="abc")
        db.session.commit()
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    assert SENT == []


def test_failing_job_is_marked_failed_with_the_error_kind(db, app):
    from app.jobs import JOBS

    def broken(record_id):
        raise ValueError("personal text must not be stored here")

    JOBS["broken"] = broken
    try:
        record = enqueue("broken")
        db.session.commit()
        db.session.expire_all()
        failed = db.session.get(JobRecord, record.id)
        assert failed.state == "failed"
        assert failed.error == "ValueError"
    finally:
        del JOBS["broken"]


@pytest.mark.redis
def test_jobs_run_through_a_real_rq_worker(app, db, redis_url, database_url, tmp_path):
    from rq import Queue

    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    app.config.update(
        REDIS_URL=redis_url,
        RQ_QUEUE=queue_name,
        MAIL_BACKEND="directory",
        MAIL_DIRECTORY=str(tmp_path / "mail"),
    )
    try:
        user = make_user(email="amir@example.org")
        progress = enqueue("selftest", 5)
        queue_email(user, "password_reset", token="xyz")
        db.session.commit()
        queue = Queue(queue_name, connection=_redis(redis_url))
        assert queue.count == 2  # waiting in Redis, not run in-process
        assert queue.jobs[0].args == (progress.id,)  # only an id travels through Redis
        key = app.config["DATA_ENCRYPTION_KEY"]
        _run_worker_burst(database_url, redis_url, queue_name, key, tmp_path)
    finally:
        app.config.update(REDIS_URL=None, RQ_QUEUE="gcm", MAIL_BACKEND="memory")
    db.session.expire_all()
    done = db.session.get(JobRecord, progress.id)
    assert (done.state, done.fraction) == ("finished", 1.0)
    sent = list((tmp_path / "mail").glob("*.eml"))
    assert len(sent) == 1 and b"/reset/xyz" in sent[0].read_bytes()
    assert db.session.query(OutboxMessage).count() == 0


def _redis(url):
    from redis import Redis

    return Redis.from_url(url)


def _run_worker_burst(database_url, redis_url, queue_name, data_key, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE": queue_name,
        "MAIL_BACKEND": "directory",
        "MAIL_DIRECTORY": str(tmp_path / "mail"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATA_ENCRYPTION_KEY": data_key,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "rq", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "amir@example.org" not in result.stdout + result.stderr  # no personal data logged
