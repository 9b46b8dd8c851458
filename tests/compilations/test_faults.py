"""Compilations through faults: Redis down or emptied, a runner gone, a full disk.

No run is left "waiting" for ever: it ends as failed, with a button to try again, and no
scratch files stay behind.
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.compilations.models import Compilation
from app.jobs import JobRecord
from app.timeutil import utcnow

DEAD_REDIS = "redis://127.0.0.1:1/1"  # nothing listens on port 1


def _start(client, consultation):
    return client.post(
        f"/consultations/{consultation.slug}/compilations",
        data={"grouping": "question", "language": "en"},
    )


def _the_run(db) -> JobRecord:
    db.session.expire_all()
    [run] = db.session.scalars(select(JobRecord).where(JobRecord.kind == "compile")).all()
    return run


def _progress(client, consultation, run) -> str:
    response = client.get(f"/consultations/{consultation.slug}/compilations/jobs/{run.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _dead_pid() -> int:
    """The id of a process that has just ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_redis_down_at_start_runs_the_compilation_here(app, scenario, signed_in_client, db):
    staff = signed_in_client(scenario.facilitator)
    app.config["REDIS_URL"] = DEAD_REDIS
    try:
        response = _start(staff, scenario.consultation)
        assert response.status_code == 303
        page = staff.get(response.headers["Location"])
        listing = staff.get(f"/consultations/{scenario.consultation.slug}/compilations")
    finally:
        app.config["REDIS_URL"] = None
    assert page.status_code == 200 and listing.status_code == 200
    run = _the_run(db)
    assert run.state == "finished"
    assert run.runner == f"process:{socket.gethostname()}:{os.getpid()}"
    assert db.session.scalar(select(Compilation.job_id)) == run.id
    assert "Version 1 is ready" in page.get_data(as_text=True)


@pytest.fixture
def never_handed_over(monkeypatch):
    """The process died between committing the run and handing it to a runner."""
    monkeypatch.setattr("app.jobs._dispatch", lambda _app, _record_id: None)


def test_a_run_never_handed_over_is_marked_failed_by_the_recover_command(
    app, scenario, signed_in_client, db, never_handed_over
):
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    run = _the_run(db)
    assert (run.state, run.runner) == ("queued", None)

    result = app.test_cli_runner().invoke(args=["jobs", "recover"])
    assert "0 lost job(s)" in result.output  # just asked for: it may still be handed over

    run.queued_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "recover"])
    assert result.exit_code == 0 and "1 lost job(s) marked failed" in result.output
    run = _the_run(db)
    assert (run.state, run.error) == ("failed", "Lost")
    page = _progress(staff, scenario.consultation, run)
    assert "The worker that was building it stopped." in page
    assert "/retry" in page


def test_a_run_whose_web_process_died_shows_failed_on_the_next_page_view(
    app, scenario, signed_in_client, db, never_handed_over
):
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    run = _the_run(db)
    run.state, run.started_at = "running", utcnow()
    run.runner = f"process:{socket.gethostname()}:{_dead_pid()}"
    db.session.commit()

    page = _progress(staff, scenario.consultation, run)
    assert "/retry" in page
    assert _the_run(db).state == "failed"
    listing = staff.get(f"/consultations/{scenario.consultation.slug}/compilations")
    assert "Versions that were not finished" in listing.get_data(as_text=True)

    retried = staff.post(
        f"/consultations/{scenario.consultation.slug}/compilations/jobs/{run.id}/retry"
    )
    assert retried.status_code == 303
    again = _the_run(db)
    assert (again.state, again.runner, again.error, again.started_at) == (
        "queued",
        None,
        None,
        None,
    )


def test_a_live_runner_is_left_alone(app, scenario, signed_in_client, db, never_handed_over):
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    run = _the_run(db)
    run.state, run.started_at = "running", utcnow()
    run.runner = f"process:{socket.gethostname()}:{os.getpid()}"
    db.session.commit()
    page = _progress(staff, scenario.consultation, run)
    assert "/retry" not in page
    assert _the_run(db).state == "running"


@pytest.mark.redis
def test_a_run_whose_queue_entry_is_gone_is_marked_failed_and_retried(
    app, scenario, signed_in_client, db, redis_url
):
    """Redis restarted without persistence: the run's rq entry is gone."""
    from redis import Redis
    from rq import Queue

    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    staff = signed_in_client(scenario.facilitator)
    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=queue_name)
    try:
        _start(staff, scenario.consultation)
        run = _the_run(db)
        assert (run.state, run.runner) == ("queued", "rq")
        queue = Queue(queue_name, connection=Redis.from_url(redis_url))
        assert queue.job_ids == [run.id]
        assert "/retry" not in _progress(staff, scenario.consultation, run)

        queue.empty()  # what a Redis restart without persistence does
        run.queued_at = utcnow() - timedelta(minutes=2)
        db.session.commit()
        page = _progress(staff, scenario.consultation, run)
        assert "/retry" in page
        assert (_the_run(db).state, _the_run(db).error) == ("failed", "Lost")

        # Redis goes away: the retry runs in the web process instead.
        app.config["REDIS_URL"] = DEAD_REDIS
        retried = staff.post(
            f"/consultations/{scenario.consultation.slug}/compilations/jobs/{run.id}/retry"
        )
        assert retried.status_code == 303
    finally:
        app.config.update(REDIS_URL=None, RQ_QUEUE="gcm")
    assert _the_run(db).state == "finished"
    assert db.session.scalar(select(Compilation.job_id)) == run.id


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_cleans_scratch_files_and_says_so(
    app, scenario, signed_in_client, db, monkeypatch
):
    monkeypatch.setattr("app.compilations.render.render_docx", _no_space)
    staff = signed_in_client(scenario.facilitator)
    response = _start(staff, scenario.consultation)
    assert response.status_code == 303
    run = _the_run(db)
    assert (run.state, run.error) == ("failed", "NoSpace")
    root = app.config["COMPILATION_DIR"]
    assert not os.path.exists(os.path.join(root, ".building", run.id))
    assert not os.path.exists(os.path.join(root, str(scenario.consultation.id)))
    assert db.session.scalar(select(Compilation)) is None

    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "The server ran out of space. Tell the administrator." in page
    listing = staff.get(f"/consultations/{scenario.consultation.slug}/compilations")
    assert "The server ran out of space. Tell the administrator." in listing.get_data(as_text=True)

    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "server.out_of_space")
    ).all()
    assert event.details["job"] == run.id
    from tests.factories import make_user

    admin = signed_in_client(make_user(role="admin"))
    accounts = admin.get("/admin/users").get_data(as_text=True)
    assert "The server ran out of space on" in accounts


def test_any_failure_leaves_no_scratch_folder(app, scenario, signed_in_client, db, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("broken renderer")

    monkeypatch.setattr("app.compilations.render.render_csv", broken)
    staff = signed_in_client(scenario.facilitator)
    _start(staff, scenario.consultation)
    run = _the_run(db)
    assert (run.state, run.error) == ("failed", "ValueError")
    assert not os.path.exists(os.path.join(app.config["COMPILATION_DIR"], ".building", run.id))
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "server.out_of_space")
    ).all()


@pytest.fixture
def small_disk(tmp_path):
    """COMPILATION_DIR on a real 5 MB tmpfs, nearly full (needs the right to mount)."""
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        from tests.conftest import need_service

        need_service("a tmpfs mount", mounted.stderr.strip() or "mount failed")
    try:
        free = os.statvfs(mountpoint).f_bavail * os.statvfs(mountpoint).f_frsize
        with open(mountpoint / "filler", "wb") as filler:
            filler.write(b"\0" * (free - 64 * 1024))  # 64 KB left: less than any compilation
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_real_full_disk_fails_cleanly_and_frees_its_scratch_space(
    app, scenario, signed_in_client, db, small_disk
):
    free_before = os.statvfs(small_disk).f_bavail
    old = app.config["COMPILATION_DIR"]
    app.config["COMPILATION_DIR"] = str(small_disk)
    try:
        staff = signed_in_client(scenario.facilitator)
        response = _start(staff, scenario.consultation)
        page = staff.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        app.config["COMPILATION_DIR"] = old
    run = _the_run(db)
    assert (run.state, run.error) == ("failed", "NoSpace")
    assert "The server ran out of space. Tell the administrator." in page
    assert not (small_disk / ".building" / run.id).exists()
    assert os.statvfs(small_disk).f_bavail == free_before  # the space is back
