"""Time and peak memory of a compilation of 500 submissions of 1,500 words each.

    .venv/bin/python bench/compile.py [--submissions 500] [--keep-data] [--language my]

Loads a fresh PostgreSQL database (BENCH_DATABASE_URL) with the demo data and N accepted
submissions in mixed languages and scripts (750,000 words for 500), then builds all four
formats of both editions, as `flask compile` does, in this process (the two PDFs in two
helper processes). Peak memory is the largest sum of the resident memory of this process
and its children, sampled every 50 ms. Targets: under 30 s and 2.5 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import threading
import time
from pathlib import Path

from _support import app_env, descendants, fresh_database, rss


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    return sum(rss(each) for each in descendants(pid))


class PeakMemory(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _tree_rss(os.getpid()))
            time.sleep(0.05)


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
        stages: list[tuple[float, str]] = []
        memory = PeakMemory()
        memory.start()
        started, cpu_before = time.perf_counter(), _cpu()
        compilation = build_compilation(
            consultation,
            "question",
            options.language,
            None,
            None,
            lambda fraction, stage: stages.append((time.perf_counter() - started, stage)),
        )
        elapsed, cpu = time.perf_counter() - started, _cpu() - cpu_before
        memory.running = False
        memory.join()
        db.session.rollback()  # the bench keeps no version
        print(
            f"submissions: {len(compilation.contents)}  wall time: {elapsed:.1f} s  "
            f"peak memory: {memory.peak / 2**30:.2f} GB  "
            f"CPU time (process and children): {cpu:.1f} s  load average: {os.getloadavg()[0]:.1f}"
        )
        for at, stage in stages:
            print(f"  {at:6.1f} s  {stage}")
        for built in compilation.files:
            size = Path(file_path(built)).stat().st_size
            print(f"  {built.edition:10} {built.format:4} {size / 2**20:7.1f} MB")


if __name__ == "__main__":
    main()
