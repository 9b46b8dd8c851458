"""Building a compilation (as a job), publishing it, and what changed between versions."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update

from app.audit.services import record_event
from app.compilations.content import (
    accepted_submissions,
    build_content,
    contents_summary,
    paragraphs,
)
from app.compilations.models import EDITIONS, Compilation, CompilationFile, DownloadRecord
from app.compilations.references import number_unnumbered
from app.compilations.typeset import Typesetting
from app.consultations.models import Consultation
from app.extensions import db
from app.jobs import ON_LOST, JobRecord, enqueue, job, report_progress, retry
from app.submission_translations.compiling import apply_translations, translation_plan
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# Below this many paragraphs the PDFs are typeset in this process; above it, by a process of
# their own (a fraction of a second to start) and its children, so their memory is returned.
SEPARATE_PROCESS_PARAGRAPHS = 2000


class NothingToCompile(Exception):
    """The consultation has no accepted submission."""


class NoSpace(Exception):
    """The disk holding COMPILATION_DIR is full (recorded as the job's error "NoSpace")."""


class CompilationRunning(Exception):
    """A compilation of this consultation is queued or running: one at a time."""

    def __init__(self, run: JobRecord):
        super().__init__("a compilation of this consultation is already running")
        self.run = run


def start_compilation(
    user, consultation: Consultation, grouping: str, language: str, now, translations="checked"
):
    _hold_compilations(consultation)
    if not accepted_submissions(consultation):
        raise NothingToCompile
    record = enqueue(
        "compile", consultation.id, grouping, language, user.id, translations, subject=consultation
    )
    record_event(user, "compilation.started", consultation, now=now, job=record.id)
    return record


def retry_compilation(consultation: Consultation, run: JobRecord) -> None:
    """Run a stopped compilation again, unless another one (or this one) is still going."""
    _hold_compilations(consultation)
    retry(run)


def running_compilation(consultation: Consultation) -> JobRecord | None:
    """The consultation's compilation run that is queued or running; one that stopped (its
    worker died, or it ran too long) does not count."""
    runs = db.session.scalars(
        select(JobRecord)
        .where(
            JobRecord.kind == "compile",
            JobRecord.subject_id == consultation.id,
            JobRecord.state.in_(("queued", "running")),
        )
        .order_by(JobRecord.created_at.desc())
    )
    return next((run for run in runs if not stopped(run)), None)


def _hold_compilations(consultation: Consultation) -> None:
    """Raise CompilationRunning when a run is going; otherwise hold the consultation until
    the transaction ends, so that a start in another process waits, then sees this one.

    The hold is a row lock on PostgreSQL. On SQLite it is the database's write lock, taken
    by a no-op write (waiting for it, like BEGIN IMMEDIATE); the write goes to the
    connection, past the ORM, so that kept pages are not dropped for it."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection().execute(
            update(Consultation)
            .where(Consultation.id == consultation.id)
            .values(id=Consultation.id)
        )
    db.session.execute(
        select(Consultation.id).where(Consultation.id == consultation.id).with_for_update()
    )
    running = running_compilation(consultation)
    if running is not None:
        raise CompilationRunning(running)


@job("compile", person_argument=3)
def compile_job(
    record_id: str,
    consultation_id: int,
    grouping: str,
    language: str,
    user_id,
    translations: str = "checked",
):
    # Retried after it had finished (e.g. the worker died while reporting): nothing to do.
    if db.session.scalar(select(Compilation.id).where(Compilation.job_id == record_id)):
        return
    consultation = db.session.get_one(Consultation, consultation_id)
    try:
        build_compilation(
            consultation,
            grouping,
            language,
            user_id,
            record_id,
            lambda fraction, stage: report_progress(record_id, fraction, stage),
            translations=translations,
        )
    except NoSpace:
        _record_no_space(consultation_id, record_id)
        raise


def _remove_scratch(record_id: str) -> None:
    """A run found lost (its worker died): its half-built files go."""
    shutil.rmtree(_root() / ".building" / record_id, ignore_errors=True)


ON_LOST["compile"] = _remove_scratch


def _record_no_space(consultation_id: int, record_id: str) -> None:
    """Tell the admins (their accounts page lists it): the disk is full, not the app broken."""
    db.session.rollback()
    try:
        record_event(
            None,
            "server.out_of_space",
            db.session.get(Consultation, consultation_id),
            now=utcnow(),
            job=record_id,
            setting="COMPILATION_DIR",
        )
        db.session.commit()
    except Exception:  # the database may be on the full disk too; the job row still says it
        db.session.rollback()
        log.exception("could not record that the server ran out of space")


def _root() -> Path:
    return Path(current_app.config["COMPILATION_DIR"])


def build_compilation(
    consultation: Consultation,
    grouping: str,
    language: str,
    user_id,
    job_id: str | None,
    progress: Callable[[float, str], None],
    now: datetime | None = None,
    translations: str = "checked",
) -> Compilation:
    """Build every file in a private folder, then make the version visible in one step."""
    now = now or utcnow()
    progress(0.02, "collecting")
    submissions = accepted_submissions(consultation)
    number_unnumbered(submissions)  # accepted before references existed: numbered now
    number = _next_number(consultation)
    building = _root() / ".building" / (job_id or str(uuid.uuid4()))
    shutil.rmtree(building, ignore_errors=True)  # a failed earlier try of the same job
    try:
        return _build_in(
            building,
            consultation,
            submissions,
            number,
            grouping,
            language,
            user_id,
            job_id,
            progress,
            now,
            translations,
        )
    except Exception as error:
        # Typst, a child process, reports a full disk as its own failure: tell by the space.
        if getattr(error, "errno", None) == errno.ENOSPC or _disk_full():
            raise NoSpace from error
        raise
    finally:
        # Scratch files never stay behind, least of all on a full disk. (After success the
        # folder was renamed to the version's own, so there is nothing left here.)
        shutil.rmtree(building, ignore_errors=True)


# Less free space than this after a failure: the failure was the full disk.
FULL_DISK_BYTES = 1024 * 1024


def _disk_full() -> bool:
    try:
        return shutil.disk_usage(_root()).free < FULL_DISK_BYTES
    except OSError:
        return False


def _build_in(
    building: Path,
    consultation,
    submissions,
    number,
    grouping,
    language,
    user_id,
    job_id,
    progress,
    now,
    translations: str,
) -> Compilation:
    # python-docx and lxml (about 9 MB) load in the job's process, never in a web worker.
    from app.compilations.render import render_csv, render_docx, render_json

    building.mkdir(parents=True)
    # Translations into the compilation's language (app/submission_translations/compiling.py).
    plan = translation_plan(consultation, language, translations)
    # The restricted edition (the larger) first: Typst starts on it while the public one is
    # made and the other formats are written.
    order = sorted(EDITIONS, key=lambda edition: edition != "restricted")
    data: dict[str, dict] = {}
    separate = _typeset_apart(submissions)
    with Typesetting(building, consultation.title, order, separate) as pdfs:
        for edition in order:
            data[edition] = apply_translations(
                build_content(
                    consultation,
                    submissions,
                    edition=edition,
                    grouping=grouping,
                    language=language,
                    version=number,
                    now=now,
                ),
                plan,
                translations,
            )
            pdfs.add(edition, data[edition])
        progress(0.15, "tables")
        written: dict[str, tuple[int, str]] = {}  # file name: its size and SHA-256
        for edition, content in data.items():
            _write(building / f"{edition}.json", render_json(content), written)
            _write(building / f"{edition}.csv", render_csv(content), written)
        _pause_for_tests()
        progress(0.25, "word")
        for edition, content in data.items():
            _write(building / f"{edition}.docx", render_docx(content, now), written)
        progress(0.4, "pdf")
        _release(data)  # Typst has its own copy on disk: this process's copy is not needed
        pdfs.finish()
    progress(0.95, "saving")
    return _publish_files(
        consultation,
        building,
        number,
        grouping,
        language,
        user_id,
        job_id,
        submissions,
        now,
        written,
    )


def _write(path: Path, data: bytes, written: dict) -> None:
    """Write a file, and note its size and hash: while Typst works, not after it."""
    path.write_bytes(data)
    written[path.name] = (len(data), hashlib.sha256(data).hexdigest())


def _release(data: dict) -> None:
    """Give the content's memory back to the system before Typst lays out the PDFs: with
    translations the content of both editions holds every text twice, and this process and
    Typst together would otherwise peak above 2.5 GB for 500 submissions."""
    data.clear()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed memory otherwise


def _pause_for_tests() -> None:
    """A testing aid (COMPILATION_STAGE_DELAY): time to stop a worker in the middle."""
    delay = current_app.config.get("COMPILATION_STAGE_DELAY", 0)
    if delay:
        time.sleep(delay)


def _next_number(consultation: Consultation) -> int:
    latest = db.session.scalar(
        select(func.max(Compilation.number)).where(Compilation.consultation_id == consultation.id)
    )
    return (latest or 0) + 1


def _typeset_apart(submissions) -> bool:
    """Large compilations are typeset in processes of their own (see typeset.Typesetting),
    by the paragraphs of the restricted edition (every accepted submission's): known before
    the content is made, so that the typesetting process starts (0.4 s: Typst, pikepdf,
    the fonts) while it is made."""
    count = sum(len(paragraphs(section.text)) for s in submissions for section in s.sections)
    return count >= SEPARATE_PROCESS_PARAGRAPHS


def _publish_files(
    consultation,
    building: Path,
    number: int,
    grouping,
    language,
    user_id,
    job_id,
    submissions,
    now,
    written: dict,
) -> Compilation:
    final = _root() / str(consultation.id) / str(number)
    shutil.rmtree(final, ignore_errors=True)  # left by a try that died before its row existed
    final.parent.mkdir(parents=True, exist_ok=True)
    for scratch in building.glob("pdf-*"):
        shutil.rmtree(scratch)
    building.rename(final)
    compilation = Compilation(
        consultation_id=consultation.id,
        number=number,
        grouping=grouping,
        language=language,
        job_id=job_id,
        created_by_id=user_id or None,
        created_at=now,
        contents=contents_summary(submissions),
    )
    for path in sorted(final.iterdir()):
        edition, fmt = path.stem, path.suffix.lstrip(".")
        size, sha256 = written.get(path.name) or _size_and_hash(path)  # the PDFs: read
        compilation.files.append(
            CompilationFile(
                edition=edition,
                format=fmt,
                path=str(path.relative_to(_root())),
                size=size,
                sha256=sha256,
            )
        )
    db.session.add(compilation)
    db.session.flush()
    record_event(None, "compilation.built", consultation, now=now, version=number)
    return compilation


def _size_and_hash(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def file_path(compilation_file: CompilationFile) -> Path:
    return _root() / compilation_file.path


def publish(user, compilation: Compilation, now: datetime, *, close_drafting: bool = False) -> None:
    """The public edition appears on the consultation page and is readable and searchable
    as passages (replacing an earlier version's). The consultation is marked as compiled
    (drafting closes) only when the facilitator chose that."""
    from app.reading.publishing import refresh_published_passages

    compilation.published_at = now
    consultation = db.session.get_one(Consultation, compilation.consultation_id)
    if close_drafting:
        consultation.compiled_at = consultation.compiled_at or now
    db.session.flush()
    refresh_published_passages(consultation.id)
    record_event(
        user,
        "compilation.published",
        consultation,
        now=now,
        version=compilation.number,
        closed_drafting=close_drafting,
    )


def unpublish(user, compilation: Compilation, now: datetime) -> None:
    """Withdraw a version from the public: its files are for staff again, and its passages
    leave the reading pages, the search and the open data (the latest version still
    published, if any, takes their place)."""
    from app.reading.publishing import refresh_published_passages

    compilation.published_at = None
    db.session.flush()
    refresh_published_passages(compilation.consultation_id)
    consultation = db.session.get(Consultation, compilation.consultation_id)
    record_event(user, "compilation.unpublished", consultation, now=now, version=compilation.number)


def record_download(user, compilation_file: CompilationFile, role: str, now: datetime) -> None:
    db.session.add(
        DownloadRecord(file_id=compilation_file.id, user_id=user.id, role=role, downloaded_at=now)
    )
    record_event(
        user,
        "compilation.restricted_download",
        compilation_file.compilation,
        now=now,
        file=compilation_file.id,
        role=role,
    )


def changes(current: Compilation, previous: Compilation | None) -> dict[str, list[int]]:
    """Submissions added, removed or revised since the previous version."""
    now_ids = set(current.contents)
    before = previous.contents if previous else {}
    revised = [int(i) for i in now_ids & set(before) if current.contents[i] != before[i]]
    return {
        "added": sorted(int(i) for i in now_ids - set(before)),
        "removed": sorted(int(i) for i in set(before) - now_ids),
        "revised": sorted(revised),
    }


def failed_runs(consultation: Consultation) -> list[JobRecord]:
    """Compilation runs that failed, or whose worker stopped, for the facilitators' page."""
    runs = db.session.scalars(
        select(JobRecord)
        .where(JobRecord.kind == "compile", JobRecord.subject_id == consultation.id)
        .order_by(JobRecord.created_at.desc())
        .limit(20)
    ).all()
    done = set(
        db.session.scalars(
            select(Compilation.job_id).where(Compilation.consultation_id == consultation.id)
        )
    )
    return [run for run in runs if run.id not in done and stopped(run)]


def stopped(run: JobRecord) -> bool:
    """Failed, or abandoned: rq lists it as failed (its worker died), or it has been running
    for longer than any job may."""
    if run.state == "failed":
        return True
    if run.state not in ("queued", "running"):
        return False
    from app.jobs import rq_failed_ids

    limit = current_app.config.get("RQ_JOB_TIMEOUT", 1800)
    too_old = run.started_at is not None and (utcnow() - run.started_at).total_seconds() > limit
    return too_old or run.id in rq_failed_ids()
