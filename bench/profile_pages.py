"""Where a rendered page's time goes: the pages of bench/pages.py, in this process.

    .venv/bin/python bench/profile_pages.py [--repeat 50] [--profile PAGE] [--sort tottime]

Uses the data set bench/pages.py left in the bench database (run it once first), renders
each page afresh (PAGE_CACHE_SECONDS=0) through Flask's test client `--repeat` times, and
prints per page: the median wall and CPU time, SQL statements, and the size of the answer.
`--profile PAGE` (a page's name, e.g. "dashboard") runs that page under cProfile and
prints the 30 functions that cost most. Figures in one process, no network: compare them
with each other, not with the ratios of bench/pages.py.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

from _support import app_env, session_cookie
from autosave import draft_with_editors
from pages import _busy_consultation


def pages() -> list[tuple[str, str, str | None]]:
    slug = _busy_consultation()
    submission_id, key, _base, (editor,) = draft_with_editors(1)
    facilitator = session_cookie("facilitator")
    return [
        ("list", "/consultations", None),
        ("consultation", f"/consultations/{slug}", None),
        ("dashboard", f"/consultations/{slug}/dashboard", facilitator),
        ("editor", f"/submissions/{submission_id}/sections/{key}", editor),
        ("search", "/search?q=recruitment", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--profile", help="name of the page to profile")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key")
    options = parser.parse_args()
    os.environ.update(app_env(PAGE_CACHE_SECONDS="0"))
    listing = pages()
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db

    app = create_app()
    statements = [0]
    with app.app_context():
        event.listen(
            db.engine,
            "before_cursor_execute",
            lambda *a: statements.__setitem__(0, statements[0] + 1),
        )
    client = app.test_client()
    print(f"{'page':14} {'wall ms':>8} {'CPU ms':>7} {'SQL':>4} {'bytes':>8}")
    for name, path, cookie in listing:
        if options.profile and name != options.profile:
            continue
        # Werkzeug's test client takes cookies from its own jar, not from a header.
        client.delete_cookie("gcm_session")
        if cookie:
            client.set_cookie(*cookie.split("=", 1))
        headers: dict[str, str] = {}
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.status_code)
        statements[0] = 0
        client.get(path, headers=headers)
        count = statements[0]
        if options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
        walls, cpus = [], []
        for _ in range(options.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path, headers=headers)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - started_cpu) * 1000)
        if options.profile:
            profiler.disable()
        print(
            f"{name:14} {statistics.median(walls):8.1f} {statistics.median(cpus):7.1f}"
            f" {count:4d} {len(answer.data):8d}"
        )
        if options.profile:
            stats = pstats.Stats(profiler)
            _print_by_package(stats, options.repeat)
            stats.sort_stats(options.sort).print_stats(30)


PACKAGES = [
    ("templates", ("/templates/",)),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("psycopg", ("/psycopg",)),
    ("Jinja", ("/jinja2/",)),
    ("Babel", ("/babel/", "/flask_babel/")),
    ("Werkzeug", ("/werkzeug/",)),
    ("Flask and extensions", ("/flask", "/wtforms/")),
    ("MarkupSafe", ("/markupsafe/",)),
    ("app code", ("/app/",)),
]


def _print_by_package(stats: pstats.Stats, repeat: int) -> None:
    """Own time per request, summed by where the function lives."""
    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        where = next(
            (label for label, marks in PACKAGES if any(m in filename for m in marks)), "other"
        )
        totals[where] = totals.get(where, 0.0) + tottime
    for where, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {where:22} {seconds * 1000 / repeat:6.2f} ms per request")


if __name__ == "__main__":
    main()
