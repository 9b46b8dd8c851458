"""Resident memory of the app right after `import wsgi`, and what each package costs.

    .venv/bin/python bench/import_memory.py [--requests 2000]

Each figure comes from a fresh interpreter configured like production (PostgreSQL and
Redis, the bench database): what gunicorn's master holds before it forks its workers.
1. RSS before and after `import wsgi` (VmRSS in /proc/self/status, as `ps` shows it).
2. The cost of each top-level package: they are imported one by one, in the order
   `import wsgi` first imports them, and RSS is read after each. A package pays for what it
   imports first (Flask pays for Werkzeug); "create_app" is the app's own modules and set-up.
3. With --requests N: visitor pages served in process (app.test_client()) and the growth
   of RSS. The database session is read-only (PGOPTIONS), so nothing is written to it.
Takes a few seconds; runs nothing in parallel.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

from _support import PYTHON, ROOT, app_env

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SHOWN = 25  # packages listed, the dearest first


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def child_order() -> None:
    """Import wsgi; print RSS and the top-level packages in the order they were imported."""
    before = rss_mb()
    import wsgi  # noqa: F401

    # sys.modules keeps the order in which imports started.
    order = list(dict.fromkeys(name.split(".")[0] for name in sys.modules))
    print(json.dumps({"before": before, "after": rss_mb(), "order": order}))


def child_packages(names: list[str]) -> None:
    """Import the packages in turn, then wsgi; print RSS after each step."""
    import importlib

    steps = [("python", rss_mb())]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # a module that only imports inside the app's set-up
            continue
        steps.append((name, rss_mb()))
    import wsgi  # noqa: F401

    steps.append(("create_app", rss_mb()))
    print(json.dumps(steps))


def child_requests(count: int) -> None:
    """Serve visitor pages in process and print RSS before and after."""
    import wsgi

    pages = _visitor_pages(wsgi.app)
    client = wsgi.app.test_client()
    statuses: dict[int, int] = {}
    for path in pages:  # a first round loads what first use loads
        client.get(path)
    start = rss_mb()
    for number in range(count):
        status = client.get(pages[number % len(pages)]).status_code
        statuses[status] = statuses.get(status, 0) + 1
    print(json.dumps({"start": start, "end": rss_mb(), "statuses": statuses}))


def _visitor_pages(app) -> list[str]:
    from sqlalchemy import func, select

    from app.consultations.models import Consultation
    from app.extensions import db

    with app.app_context():
        slug = db.session.scalar(select(Consultation.slug).order_by(func.random()).limit(1))
    pages = ["/", "/consultations", "/consultations?level=regional", "/consultations?page=2"]
    pages += ["/organizations", "/read", "/privacy", "/search?q=recruitment"]
    pages += ["/search?q=passport+employer", "/search?q=%E0%B8%84%E0%B9%88%E0%B8%B2"]
    if slug:
        pages += [f"/consultations/{slug}", f"/consultations/{slug}/organizations"]
    return pages


def _run(*arguments: str) -> dict | list:
    environment = app_env(REDIS_URL=REDIS, PGOPTIONS="-c default_transaction_read_only=on")
    environment.pop("FLASK_RUN_FROM_CLI", None)
    environment["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [PYTHON, __file__, "--child", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--child", nargs="+")
    options = parser.parse_args()
    if options.child:
        kind, *rest = options.child
        if kind == "order":
            child_order()
        elif kind == "packages":
            child_packages(rest)
        else:
            child_requests(int(rest[0]))
        return
    first = _run("order")
    print(f"RSS before import wsgi {first['before']:.1f} MB, after {first['after']:.1f} MB")
    names = [name for name in first["order"] if name not in ("wsgi", "app", "__main__")]
    steps = _run("packages", *names)
    costs = [(name, after - before) for (_, before), (name, after) in zip(steps, steps[1:])]
    print(f"in order, one by one: python {steps[0][1]:.1f} MB, then {steps[-1][1]:.1f} MB")
    for name, cost in sorted(costs, key=lambda item: -item[1])[:SHOWN]:
        print(f"  {name:24} {cost:6.1f} MB")
    rest = sum(cost for _, cost in sorted(costs, key=lambda item: -item[1])[SHOWN:])
    print(f"  {'(the others)':24} {rest:6.1f} MB")
    if options.requests:
        served = _run("requests", str(options.requests))
        growth = served["end"] - served["start"]
        print(
            f"{options.requests} visitor pages in process: RSS {served['start']:.1f} → "
            f"{served['end']:.1f} MB (+{growth:.1f}); statuses {served['statuses']}"
        )


if __name__ == "__main__":
    main()
