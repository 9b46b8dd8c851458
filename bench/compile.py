"""Time and peak memory of a compilation of 500 submissions of 1,500 words each.

    .venv/bin/python bench/compile.py [--submissions 500] [--keep-data] [--language my]
                                      [--translations]

Loads a fresh PostgreSQL database (BENCH_DATABASE_URL) with the demo data and N accepted
submissions in mixed languages and scripts (750,000 words for 500), then builds all four
formats of both editions, as `flask compile` does, in this process (the PDFs by a
typesetting process and its children: Typst runs of parts of each edition and the joins,
two at a time; see app/compilations/typeset.py). Peak memory is the largest sum of the
resident memory of this process and its children, sampled every 50 ms. Targets (issue 19):
under 15 s and 1.5 GB; with --translations (issue 15): under 30 s and 2.5 GB. The CPU time
of each kind of typesetting job is printed too, and when each job ran (from the log
TYPESET_LOG asks for), and the CPU time of the memory sampling itself.

With --translations every accepted submission gets one checked translation, section by
section (into English, or French for texts written in English; stand-in Latin-script
words as long as the original), and the version is built in English with the checked
translations: each translated paragraph is followed by its original, so the body is about
twice as long.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _support import app_env, descendants, fresh_database, rss


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    return sum(rss(each) for each in descendants(pid))


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0, True
        self.cpu = 0.0  # CPU time of the sampling itself (part of this process's)

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _tree_rss(os.getpid()))
            self.cpu = time.thread_time()
            time.sleep(0.05)


def _own_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _cpu() -> float:
    """CPU seconds used by this process and its finished children (the Typst processes):
    on a shared machine, a figure that other processes' load does not inflate much."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--keep-data", action="store_true")
    # Language of the headings and labels (any interface language: en, my, km, zh_Hans...).
    parser.add_argument("--language", default="en")
    parser.add_argument("--translations", action="store_true")
    options = parser.parse_args()
    if not options.keep_data:
        fresh_database(options.submissions)
    os.environ.update(app_env(COMPILATION_DIR="/tmp/gcm-bench-compilations"))
    from app import create_app
    from app.compilations.services import build_compilation, file_path
    from app.consultations.models import Consultation
    from app.extensions import db
    from app.submissions.models import Submission

    app = create_app()
    with app.app_context(), app.test_request_context("/"):
        consultation = db.session.scalar(
            db.select(Consultation)
            .join(Submission, Submission.consultation_id == Consultation.id)
            .group_by(Consultation.id)
            .order_by(db.func.count(Submission.id).desc())
            .limit(1)
        )
        if options.translations:
            print(f"translations added: {_translate_all(consultation)}")
        stages: list[tuple[float, str]] = []
        log = Path(tempfile.mkstemp(prefix="typeset-", suffix=".log")[1])
        os.environ["TYPESET_LOG"] = str(log)
        memory = PeakMemory()
        memory.start()
        started, cpu_before, own_before = time.perf_counter(), _cpu(), _own_cpu()
        began = time.time()
        compilation = build_compilation(
            consultation,
            "question",
            options.language,
            None,
            None,
            lambda fraction, stage: stages.append((time.perf_counter() - started, stage)),
            translations="checked" if options.translations else "none",
        )
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu_before
        own = _own_cpu() - own_before
        memory.running = False
        memory.join()
        db.session.rollback()  # the bench keeps no version
        print(
            f"submissions: {len(compilation.contents)}  wall time: {elapsed:.1f} s  "
            f"peak memory: {memory.peak / 2**30:.2f} GB  "
            f"CPU time (process and children): {cpu:.1f} s  load average: {os.getloadavg()[0]:.1f}"
        )
        print(
            f"  CPU time of this process alone: {own:.1f} s (reading, JSON, CSV, Word; "
            f"of it sampling the memory: {memory.cpu:.1f} s)"
        )
        for at, stage in stages:
            print(f"  {at:6.1f} s  {stage}")
        _typesetting_figures(log, began)
        for built in compilation.files:
            size = Path(file_path(built)).stat().st_size
            print(f"  {built.edition:10} {built.format:4} {size / 2**20:7.1f} MB")


def _typesetting_figures(log: Path, began: float) -> None:
    """CPU time of the typesetting jobs, by edition and kind (body parts, frame, join), and
    when each job ran (seconds from the start of the build)."""
    cpu: dict = defaultdict(float)
    count: dict = defaultdict(int)
    for line in log.read_text().splitlines():
        start, end, edition, job, seconds = line.split()
        print(
            f"  {float(start) - began:6.1f} s to {float(end) - began:6.1f} s  "
            f"{edition:10} {job:7} CPU {float(seconds):5.1f} s"
        )
        kind = job.split("-")[0]
        cpu[(edition, kind)] += float(seconds)
        count[(edition, kind)] += 1
    log.unlink()
    for (edition, kind), seconds in sorted(cpu.items()):
        jobs = count[(edition, kind)]
        print(f"  typesetting {edition:10} {kind:5} {jobs:3} job(s)  CPU {seconds:5.1f} s")


WORDS = [
    "workers",
    "recruitment",
    "fees",
    "wages",
    "contract",
    "employer",
    "agency",
    "border",
    "migrants",
    "rights",
    "families",
    "health",
    "housing",
    "permit",
    "visa",
    "deportation",
    "remittances",
    "training",
    "union",
    "support",
]


def _stand_in(paragraph: str, language: str) -> str:
    """A stand-in translation in Latin script, about as long as the original paragraph."""
    count = max(1, len(paragraph) // 7)
    return f"[{language}] " + " ".join(WORDS[i % len(WORDS)] for i in range(count)) + "."


def _translate_all(consultation) -> int:
    """One checked translation per accepted submission, section by section, one paragraph
    for each of the original's (stand-in English or French words, as long as the original)."""
    from sqlalchemy import delete, select

    from app.compilations.content import paragraphs
    from app.extensions import db
    from app.submission_translations.models import (
        TranslatedSection,
        Translation,
        TranslationRevision,
    )
    from app.submissions.models import Submission
    from app.timeutil import utcnow

    now = utcnow()
    accepted = db.session.scalars(
        select(Submission).where(
            Submission.consultation_id == consultation.id, Submission.state == "accepted"
        )
    ).all()
    db.session.execute(
        delete(Translation).where(Translation.submission_id.in_([s.id for s in accepted]))
    )
    for submission in accepted:
        language = "fr" if submission.language == "en" else "en"
        translation = Translation(
            submission_id=submission.id,
            language=language,
            credit_kind="volunteer",
            status="checked",
            checked_at=now,
        )
        db.session.add(translation)
        db.session.flush()
        for section in submission.sections:
            parts = paragraphs(section.text)
            if not parts:
                continue
            translated = TranslatedSection(translation_id=translation.id, section_id=section.id)
            db.session.add(translated)
            db.session.flush()
            body = "\n\n".join(_stand_in(part, language) for part in parts)
            revision = TranslationRevision(translated_section_id=translated.id, body=body)
            db.session.add(revision)
            db.session.flush()
            translated.current_revision_id, translated.version = revision.id, 1
    db.session.commit()
    return len(accepted)


if __name__ == "__main__":
    main()
