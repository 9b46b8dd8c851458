"""Speed of five pages, as a ratio to the ceiling page, measured together.

    .venv/bin/python bench/pages.py [--submissions 1000] [--seconds 10]

Loads a fresh PostgreSQL database (BENCH_DATABASE_URL, default gcm_bench on 127.0.0.1)
with the demo data, N accepted submissions in one consultation, a draft with an editor and
10,000 published passages for the search page (bench/search.py), serves the app with
gunicorn (2 sync workers) beside ../shared/bench/ceiling_app.py, and runs
`wrk -t2 -c10` against each page right after the ceiling's /list. Target: 0.4 or more.

The app runs twice: as shipped, keeping rendered pages (app/pagecache.py) in Redis
(BENCH_REDIS_URL, default db 14 on 127.0.0.1; each process keeps its own when Redis is
down), and with PAGE_CACHE_SECONDS=0, which is what every page costs when it has to be
rendered (the first view after a change).
"""

from __future__ import annotations

import argparse
import os
import subprocess

from _support import (
    PYTHON,
    ROOT,
    SHARED_BENCH,
    app_env,
    busiest_worker_share,
    children,
    expect_page,
    fresh_database,
    gunicorn,
    memory,
    server,
    session_cookie,
    wrk,
)
from autosave import draft_with_editors

CEILING_PORT, APP_PORT, UNKEPT_PORT = 5790, 5791, 5792
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--keep-data", action="store_true", help="Reuse the last data set.")
    options = parser.parse_args()
    if not options.keep_data:
        fresh_database(options.submissions)
        _add_search_passages(10_000)
    subprocess.run([PYTHON, "-c", "import ceiling_app"], cwd=SHARED_BENCH, check=True)
    slug = _busy_consultation()
    facilitator = session_cookie("facilitator")
    submission_id, key, _base, (editor,) = draft_with_editors(1)
    pages = [
        ("consultation list", "/consultations", None),
        ("consultation page", f"/consultations/{slug}", None),
        ("facilitator dashboard", f"/consultations/{slug}/dashboard", facilitator),
        ("submission editor", f"/submissions/{submission_id}/sections/{key}", editor),
        ("search page", "/search?q=recruitment", None),
    ]
    ceiling_server = server(gunicorn("ceiling_app:app", CEILING_PORT), CEILING_PORT, SHARED_BENCH)
    store = {"REDIS_URL": REDIS} if _redis_up() else {}
    print("kept pages in", "Redis" if store else "each process (Redis is down)")
    app_server = server(gunicorn("wsgi:app", APP_PORT), APP_PORT, ROOT, app_env(**store))
    unkept = app_env(PAGE_CACHE_SECONDS="0")
    unkept_server = server(gunicorn("wsgi:app", UNKEPT_PORT), UNKEPT_PORT, ROOT, unkept)
    with ceiling_server as ceiling_process, app_server as kept, unkept_server as not_kept:
        for port in (APP_PORT, UNKEPT_PORT):  # warm up
            wrk(f"http://127.0.0.1:{port}/consultations", seconds=2)
        wrk(f"http://127.0.0.1:{CEILING_PORT}/list", seconds=2)
        for _, path, cookie in pages:
            for port in (APP_PORT, UNKEPT_PORT):
                expect_page(port, path, cookie)
        workers = {
            port: children(process.pid)
            for port, process in (
                (CEILING_PORT, ceiling_process),
                (APP_PORT, kept),
                (UNKEPT_PORT, not_kept),
            )
        }

        def measure(port: int, path: str, cookie: str | None):
            url = f"http://127.0.0.1:{port}{path}"
            return busiest_worker_share(
                workers[port], lambda: wrk(url, cookie, seconds=options.seconds)
            )

        # "busy": the share of CPU time of the busiest of the two workers, ceiling's / ours.
        # About 0.5 when they share the load; near 1.0 when one took every connection,
        # which happens in some runs and halves the figure (see bench/README.md).
        print(
            f"{'page':24} {'req/s':>7} {'median':>7} {'ceiling':>8} {'ratio':>6} {'busy':>9}"
            f" {'unkept':>7} {'median':>7} {'ceiling':>8} {'ratio':>6} {'busy':>9}"
        )
        for name, path, cookie in pages:
            figures = []
            for port in (APP_PORT, UNKEPT_PORT):
                ceiling, ceiling_busy = measure(CEILING_PORT, "/list", None)
                ours, busy = measure(port, path, cookie)
                figures.append(
                    f"{ours[0]:7.0f} {ours[1]:7.1f} {ceiling[0]:8.0f} {ours[0] / ceiling[0]:6.2f}"
                    f" {ceiling_busy:4.2f}/{busy:4.2f}"
                )
            print(f"{name:24} {' '.join(figures)}")
        # Each worker's memory after this run (bench/worker_memory.py: after 50,000 requests).
        for label, port in (("kept", APP_PORT), ("unkept", UNKEPT_PORT)):
            for number, pid in enumerate(workers[port], 1):
                figures = "  ".join(f"{k} {v:5.1f} MB" for k, v in memory(pid).items())
                print(f"app ({label}) worker {number}: {figures}")


def _add_search_passages(count: int) -> None:
    """Published passages for the search page, as bench/search.py makes them."""
    os.environ.update(app_env())
    from search import fill

    from app import create_app

    fill(create_app(), count, account="bench-search")


def _redis_up() -> bool:
    from redis import Redis

    try:
        return bool(Redis.from_url(REDIS, socket_timeout=1).ping())
    except Exception:
        return False


def _busy_consultation() -> str:
    """The consultation that holds the accepted demo submissions."""
    import os

    os.environ.update(app_env())
    from app import create_app
    from app.consultations.models import Consultation
    from app.extensions import db
    from app.submissions.models import Submission

    with create_app().app_context():
        return db.session.scalar(
            db.select(Consultation.slug)
            .join(Submission, Submission.consultation_id == Consultation.id)
            .group_by(Consultation.slug)
            .order_by(db.func.count(Submission.id).desc())
            .limit(1)
        )


if __name__ == "__main__":
    main()
