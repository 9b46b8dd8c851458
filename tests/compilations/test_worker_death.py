"""A worker killed halfway through a compilation leaves nothing visible, the run shows as
failed (at once when only its work horse died, on the next look when the whole worker did),
and a retry succeeds."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select

from app.compilations.models import Compilation
from app.compilations.services import start_compilation
from app.extensions import db as _db
from app.jobs import JobRecord, recover_lost, retry
from app.timeutil import utcnow

pytestmark = pytest.mark.redis


def _worker(app, database_url, redis_url, queue, delay: float, burst: bool):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE": queue,
        "COMPILATION_DIR": app.config["COMPILATION_DIR"],
        "COMPILATION_STAGE_DELAY": str(delay),
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATA_ENCRYPTION_KEY": app.config["DATA_ENCRYPTION_KEY"],
        "MAIL_BACKEND": "none",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "rq", "worker"]
    return subprocess.Popen(
        command + (["--burst"] if burst else []),
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants (rq's work horse leaves its group)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry))
    victims, todo = [], [pid]
    while todo:
        current = todo.pop()
        victims.append(current)
        todo.extend(children.get(current, []))
    for victim in reversed(victims):
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


def _wait_for_stage(record_id: str, stage: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.expire_all()
        record = _db.session.get(JobRecord, record_id)
        if record.stage == stage:
            return
        time.sleep(0.1)  # polling the job's own progress, not waiting for time to pass
    raise AssertionError(f"the job never reached {stage!r}")


def test_killed_worker_leaves_no_version_and_a_retry_succeeds(
    app, db, scenario, database_url, redis_url
):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=queue)
    try:
        with app.test_request_context("/"):
            record = start_compilation(
                scenario.facilitator, scenario.consultation, "question", "en", utcnow()
            )
            db.session.commit()
        worker = _worker(app, database_url, redis_url, queue, delay=60, burst=False)
        try:
            _wait_for_stage(record.id, "tables")
        finally:
            _kill_tree(worker.pid)  # the worker and its work horse, at once
            worker.communicate(timeout=30)
        db.session.expire_all()
        assert db.session.scalar(select(Compilation)) is None
        final = os.path.join(app.config["COMPILATION_DIR"], str(scenario.consultation.id), "1")
        assert not os.path.exists(final)
        assert db.session.get(JobRecord, record.id).state == "running"
        # The next look at the consultation's runs (a page view, or `flask jobs recover`)
        # finds that the worker holding the run is gone.
        assert recover_lost("compile") == [record.id]
        db.session.expire_all()
        assert db.session.get(JobRecord, record.id).state == "failed"
        building = os.path.join(app.config["COMPILATION_DIR"], ".building", record.id)
        assert not os.path.exists(building)  # scratch files of a lost run are removed

        with app.test_request_context("/"):
            retry(db.session.get(JobRecord, record.id))
            db.session.commit()
        finisher = _worker(app, database_url, redis_url, queue, delay=0, burst=True)
        output, _ = finisher.communicate(timeout=180)
        assert finisher.returncode == 0, output
    finally:
        app.config.update(REDIS_URL=None, RQ_QUEUE="gcm")
    db.session.expire_all()
    compilation = db.session.scalar(select(Compilation))
    assert compilation.job_id == record.id and compilation.number == 1
    assert len(compilation.files) == 8
    assert db.session.get(JobRecord, record.id).state == "finished"
    building = os.path.join(app.config["COMPILATION_DIR"], ".building", record.id)
    assert not os.path.exists(building)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


def _wait_for_state(record_id: str, state: str, timeout: float = 60) -> JobRecord:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.expire_all()
        record = _db.session.get(JobRecord, record_id)
        if record.state == state:
            return record
        time.sleep(0.1)  # polling the job's own state, written by the worker
    raise AssertionError(f"the job never became {state!r}")


def test_a_killed_work_horse_marks_its_run_failed_at_once(
    app, db, scenario, signed_in_client, database_url, redis_url
):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=queue)
    worker = None
    try:
        with app.test_request_context("/"):
            record = start_compilation(
                scenario.facilitator, scenario.consultation, "question", "en", utcnow()
            )
            db.session.commit()
        worker = _worker(app, database_url, redis_url, queue, delay=60, burst=False)
        _wait_for_stage(record.id, "tables")
        [horse] = _children(worker.pid)
        os.kill(horse, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        failed = _wait_for_state(record.id, "failed")  # no page view, no timeout
        assert failed.error == "WorkerStopped"
        staff = signed_in_client(scenario.facilitator)
        page = staff.get(
            f"/consultations/{scenario.consultation.slug}/compilations/jobs/{record.id}"
        ).get_data(as_text=True)
        assert "/retry" in page
    finally:
        if worker is not None:
            _kill_tree(worker.pid)
            worker.communicate(timeout=30)
        app.config.update(REDIS_URL=None, RQ_QUEUE="gcm")
    assert db.session.scalar(select(Compilation)) is None
    building = os.path.join(app.config["COMPILATION_DIR"], ".building", record.id)
    final = os.path.join(app.config["COMPILATION_DIR"], str(scenario.consultation.id), "1")
    assert not os.path.exists(final)
    assert not os.path.exists(building)  # the worker cleaned up after its dead horse
