"""Resident memory of the app right after `import wsgi`, and what each package costs.

    .venv/bin/python bench/import_memory.py [--requests 2000]

Each figure comes from a fresh interpreter configured like production (PostgreSQL and
Redis, the bench database): what gunicorn's master holds before it forks its workers.
1. RSS before and after `import wsgi` (VmRSS in /proc/self/status, as `ps` shows it).
2. The cost of each top-level package: RSS is read before and after each module runs,
   and a package is charged what its own modules added, not the packages they import
   (shared libraries of an extension module included). "create_app()" is building the app.
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


def child_imports() -> None:
    """Import wsgi, reading RSS before and after each module runs; print RSS and the cost
    of each top-level package, what its own modules added (not the packages they import)."""
    from importlib import _bootstrap_external as loaders

    costs: dict[str, float] = {}
    running: list[float] = []  # what the modules being run have imported so far

    def measured(name: str, step, *arguments):
        running.append(0.0)
        before = rss_mb()
        try:
            return step(*arguments)
        finally:
            spent, nested = rss_mb() - before, running.pop()
            package = name.partition(".")[0]
            costs[package] = costs.get(package, 0.0) + spent - nested
            if running:
                running[-1] += spent

    run_source = loaders._LoaderBasics.exec_module
    load_extension = loaders.ExtensionFileLoader.create_module
    loaders._LoaderBasics.exec_module = lambda loader, module: measured(  # type: ignore
        module.__name__, run_source, loader, module
    )
    loaders.ExtensionFileLoader.create_module = lambda loader, spec: measured(  # type: ignore
        spec.name, load_extension, loader, spec
    )
    before = rss_mb()
    import wsgi  # noqa: F401

    after = rss_mb()
    # wsgi's own share is create_app() itself: building the app, not importing modules.
    costs["create_app()"] = costs.pop("wsgi", 0.0)
    print(json.dumps({"before": before, "after": after, "costs": costs}))


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
        if kind == "imports":
            child_imports()
        else:
            child_requests(int(rest[0]))
        return
    first = _run("imports")
    print(f"RSS before import wsgi {first['before']:.1f} MB, after {first['after']:.1f} MB")
    costs = sorted(first["costs"].items(), key=lambda item: -item[1])
    print("what each package's own modules added (RSS, MB):")
    for name, cost in costs[:SHOWN]:
        print(f"  {name:24} {cost:6.1f}")
    print(f"  {'(the others)':24} {sum(cost for _, cost in costs[SHOWN:]):6.1f}")
    if options.requests:
        served = _run("requests", str(options.requests))
        growth = served["end"] - served["start"]
        print(
            f"{options.requests} visitor pages in process: RSS {served['start']:.1f} → "
            f"{served['end']:.1f} MB (+{growth:.1f}); statuses {served['statuses']}"
        )


if __name__ == "__main__":
    main()
