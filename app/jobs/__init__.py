"""Background jobs: rq on Redis when REDIS_URL is set, otherwise in this process.

A job is a registered function that takes ids only (never personal data). Each run has a
JobRecord row that holds its state and progress, so any web process can show it.
Jobs are dispatched after the database commit that created them, so a worker never
looks for a row that is not there yet.

No job is left waiting for ever (see `recover_lost`): a job records who runs it (`runner`),
and one whose rq entry is gone (Redis restarted without persistence), whose rq work horse or
worker died, or whose web process died while running it, is marked failed, so the page
offers to try again. A dead work horse marks its job failed at once (`worker_stopped`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.jobs.models import JobRecord
from app.timeutil import utcnow

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[..., Any]] = {}
# For each kind of job: what to clean up when a run of it is found lost (its scratch files).
ON_LOST: dict[str, Callable[[str], None]] = {}
# For each kind of job whose arguments name an account: the position of that argument.
PERSON_ARGUMENT: dict[str, int] = {}


def job(name: str, person_argument: int | None = None):
    """Register a function as a job under a stable name. `person_argument`: the position of
    an account id among its arguments, blanked when that account is deleted."""

    def register(fn):
        JOBS[name] = fn
        if person_argument is not None:
            PERSON_ARGUMENT[name] = person_argument
        return fn

    return register


def enqueue(kind: str, *args: int | str, subject: Any = None) -> JobRecord:
    """Create a job run; it starts once the current transaction commits."""
    if kind not in JOBS:
        raise LookupError(f"unknown job {kind!r}")
    record = JobRecord(
        id=str(uuid.uuid4()),
        kind=kind,
        args=list(args),
        state="queued",
        fraction=0.0,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        queued_at=utcnow(),
    )
    db.session.add(record)
    db.session.info.setdefault("jobs_to_dispatch", []).append(record.id)
    return record


def forget_person(user_id: int) -> None:
    """Before an account is deleted: job records stop naming it."""
    records = db.session.scalars(select(JobRecord).where(JobRecord.kind.in_(PERSON_ARGUMENT)))
    for record in records:
        position = PERSON_ARGUMENT[record.kind]
        if len(record.args) > position and record.args[position] == user_id:
            args = list(record.args)
            args[position] = None
            record.args = args


def report_progress(record_id: str, fraction: float, stage: str) -> None:
    """Write progress on its own connection, so pollers see it while the job works."""
    with db.engine.begin() as connection:
        connection.execute(
            update(JobRecord)
            .where(JobRecord.id == record_id)
            .values(fraction=max(0.0, min(1.0, fraction)), stage=stage)
        )


def _set_state(record_id: str, **values: Any) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(JobRecord).where(JobRecord.id == record_id).values(**values))


def _mark_failed_if_going(record_id: str, error: str) -> bool:
    """Mark a queued or running job failed (its own connection), and clean up after it;
    False when it had ended already."""
    with db.engine.begin() as connection:
        kind = connection.execute(
            select(JobRecord.kind).where(JobRecord.id == record_id)
        ).scalar_one_or_none()
        changed = connection.execute(
            update(JobRecord)
            .where(JobRecord.id == record_id, JobRecord.state.in_(("queued", "running")))
            .values(state="failed", finished_at=utcnow(), error=error)
        ).rowcount
    if not changed:
        return False
    log.warning("job %s marked failed: %s", record_id, error)
    if kind in ON_LOST:
        try:
            ON_LOST[kind](record_id)
        except Exception:
            log.exception("cleaning up after lost job %s failed", record_id)
    return True


def execute(record_id: str) -> None:
    """Run one job (entry point for rq and the in-process runner)."""
    if not has_app_context():
        with _worker_app().app_context():
            execute(record_id)
        return
    record = db.session.get(JobRecord, record_id)
    if record is None:
        log.warning("job record %s not found", record_id)
        return
    _set_state(record_id, state="running", started_at=utcnow(), error=None)
    try:
        JOBS[record.kind](record_id, *record.args)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _set_state(record_id, state="failed", finished_at=utcnow(), error=type(error).__name__)
        log.error("job %s (%s) failed:\n%s", record_id, record.kind, traceback.format_exc())
        raise
    finally:
        db.session.remove()
    _set_state(record_id, state="finished", fraction=1.0, finished_at=utcnow())


_app_for_worker: Flask | None = None


def _worker_app() -> Flask:
    global _app_for_worker
    if _app_for_worker is None:
        from app import create_app

        _app_for_worker = create_app()
    return _app_for_worker


# --- Dispatch -------------------------------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _in_process(app: Flask, record_id: str) -> None:
    def run():
        # A failure is already recorded on the job row; nothing more to do here.
        with app.app_context(), contextlib.suppress(Exception):
            execute(record_id)

    if app.config["JOBS_SYNCHRONOUS"]:
        run()
        return
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")
    _executor.submit(run)


def rq_queue(app: Flask | None = None):
    from redis import Redis
    from rq import Queue

    config = (app or current_app).config
    # Short timeouts: a Redis that does not answer must not hold a web request for long.
    connection = Redis.from_url(config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
    return Queue(config["RQ_QUEUE"], connection=connection)


def _this_process() -> str:
    return f"process:{socket.gethostname()}:{os.getpid()}"


def _dispatch(app: Flask, record_id: str) -> None:
    if app.config["REDIS_URL"]:
        from redis.exceptions import RedisError
        from rq import Callback

        try:
            rq_queue(app).enqueue_call(
                execute,
                args=(record_id,),
                job_id=record_id,
                result_ttl=app.config["RQ_RESULT_TTL"],
                failure_ttl=app.config["RQ_FAILURE_TTL"],
                timeout=app.config.get("RQ_JOB_TIMEOUT", 1800),
                on_failure=Callback(_rq_failure),
            )
            _note_runner(record_id, "rq")
            return
        except RedisError as error:
            # What was asked is committed already: with Redis down, the job runs here, as it
            # does without Redis, rather than the request failing after the fact.
            log.warning("Redis took no job (%s); running it in this process", type(error).__name__)
    _note_runner(record_id, _this_process())
    _in_process(app, record_id)


def _note_runner(record_id: str, runner: str) -> None:
    """Say who runs the job. The request that made it is done already: a failure here
    (the database just went away) is only logged; the job is then judged by its age."""
    try:
        _set_state(record_id, runner=runner)
    except Exception:
        log.exception("could not record who runs job %s", record_id)


# --- Jobs whose runner is gone ------------------------------------------------------------

# A job asked for this recently may not be handed over yet: it is not judged lost.
HAND_OVER_GRACE = timedelta(seconds=60)


def _rq_failure(job, connection, exc_type, exc_value, tb) -> None:
    """rq's failure callback: also for a job rq finds abandoned (its worker died)."""
    with _app_context():
        _mark_failed_if_going(job.id, "WorkerStopped")


def worker_stopped(job, _pid, _status, _rusage) -> None:
    """rq's handler for a work horse that died (killed, out of memory): the job's row says
    failed at once, so its page offers to try again."""
    with _app_context():
        _mark_failed_if_going(job.id, "WorkerStopped")


@contextlib.contextmanager
def _app_context():
    if has_app_context():
        yield
    else:
        with _worker_app().app_context():
            yield


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _process_gone(runner: str) -> bool:
    """A runner "process:<host>:<pid>" on this machine whose process no longer exists.
    (Another machine's process cannot be asked; its jobs end by RQ_JOB_TIMEOUT.)"""
    _kind, host, pid = runner.split(":", 2)
    return host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def _rq_lost(queue, record_id: str) -> bool:
    """rq has no entry for the job, or says it failed or stopped, or the worker running it
    is gone. Raises RedisError when Redis does not answer (then nothing can be told)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus
    from rq.worker import Worker

    try:
        found = Job.fetch(record_id, connection=queue.connection)
    except NoSuchJobError:
        return True
    status = found.get_status(refresh=False)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return True
    if status != JobStatus.STARTED or not found.worker_name:
        return False
    worker = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + found.worker_name, connection=queue.connection
    )
    if worker is None:
        return True
    # A worker that gave no process id cannot be asked, like another machine's.
    return (
        worker.hostname == socket.gethostname()
        and worker.pid is not None
        and not _pid_alive(worker.pid)
    )


def recover_lost(kind: str | None = None, subject_id: int | None = None) -> list[str]:
    """Mark failed every queued or running job that nobody runs any more (see the module's
    text); returns their ids. Safe to call from any process at any time."""
    query = select(JobRecord).where(JobRecord.state.in_(("queued", "running")))
    if kind is not None:
        query = query.where(JobRecord.kind == kind)
    if subject_id is not None:
        query = query.where(JobRecord.subject_id == subject_id)
    now = utcnow()
    lost: list[str] = []
    queue = None
    redis_down = False
    for record in db.session.scalars(query).all():
        asked = record.queued_at or record.created_at
        settled = record.state == "running" or now - asked > HAND_OVER_GRACE
        runner = record.runner or ""
        if runner.startswith("process:"):
            if _process_gone(runner):
                lost.append(record.id)
        elif runner == "rq" and current_app.config["REDIS_URL"] and settled and not redis_down:
            from redis.exceptions import RedisError

            try:
                queue = queue or rq_queue()
                if _rq_lost(queue, record.id):
                    lost.append(record.id)
            except RedisError:
                redis_down = True  # Redis down: what rq knows cannot be asked now
        elif not runner and record.state == "queued" and settled:
            lost.append(record.id)  # never handed over: its process died at the commit
    return [record_id for record_id in lost if _mark_failed_if_going(record_id, "Lost")]


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    pending = session.info.pop("jobs_to_dispatch", None)
    if not pending:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy
    for record_id in pending:
        _dispatch(app, record_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("jobs_to_dispatch", None)


def rq_failed_ids() -> set[str]:
    """Jobs in rq's failed-job registry (e.g. their worker died); empty without Redis."""
    if not current_app.config["REDIS_URL"]:
        return set()
    from rq.registry import FailedJobRegistry

    try:
        return set(FailedJobRegistry(queue=rq_queue()).get_job_ids())
    except Exception:  # Redis down: the page still shows what the database knows
        return set()


def retry(record: JobRecord) -> None:
    """Run a failed job again under the same record (jobs are written to be idempotent)."""
    record.state = "queued"
    record.fraction = 0.0
    record.stage = None
    record.error = None
    record.started_at = None
    record.finished_at = None
    record.runner = None
    record.queued_at = utcnow()
    db.session.info.setdefault("jobs_to_dispatch", []).append(record.id)


@job("selftest")
def selftest(record_id: str, steps: int = 3) -> None:
    """A job that only reports progress: used by /healthz checks and tests of the queue."""
    for step in range(1, steps + 1):
        report_progress(record_id, step / steps, "working")
