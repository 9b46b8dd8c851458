"""Resident memory of each gunicorn worker after 50,000 mixed requests.

    .venv/bin/python bench/worker_memory.py [--requests 50000] [--no-preload]

Uses the data set that bench/pages.py left in the bench database (run it once first).
Serves the app as gunicorn.conf.py says (the app loaded once in the master, then forked),
but with 2 sync workers as bench/pages.py, keeping pages in Redis when it runs, and sends
mixed requests with wrk (a Lua script cycles through visitor pages, search queries, the
facilitator's dashboard and the editor) until at least `--requests` have been answered.

Prints, for each worker, after start-up and at the end:
- RSS: resident memory as `ps` shows it, pages shared with the master included;
- PSS: the worker's share of the memory, each page shared by k processes counted 1/k;
- USS: memory that only this worker holds (what stopping it would give back).
With the app loaded in the master, the workers share the app's code and objects with it:
the memory a server needs for W workers is about the master's RSS plus W times a
worker's USS. `--no-preload` loads the app in each worker instead (the previous setting).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile

from _support import (
    ROOT,
    app_env,
    children,
    expect_page,
    gunicorn,
    memory,
    server,
    session_cookie,
)
from autosave import draft_with_editors
from pages import REDIS, _busy_consultation, _redis_up

PORT = 5793


def lua_script(requests: list[tuple[str, str | None]]) -> str:
    """A wrk script that sends the requests in turn, each thread from its own start."""
    lines = ["local requests = {"]
    for path, cookie in requests:
        headers = f'{{["Cookie"] = "{cookie}"}}' if cookie else "{}"
        lines.append(f'  wrk.format("GET", "{path}", {headers}),')
    lines += [
        "}",
        "local counter = 0",
        "function setup(thread) thread:set('offset', math.random(#requests)) end",
        "function request()",
        "  counter = counter + 1",
        "  return requests[(counter + offset) % #requests + 1]",
        "end",
    ]
    return "\n".join(lines)


def mixed_requests() -> list[tuple[str, str | None]]:
    slug = _busy_consultation()
    submission_id, key, _base, (editor,) = draft_with_editors(1)
    facilitator = session_cookie("facilitator")
    visitor = [
        "/",
        "/consultations",
        "/consultations?level=regional",
        "/consultations?page=2",
        f"/consultations/{slug}",
        f"/consultations/{slug}/organizations",
        "/organizations",
        "/read",
        "/search?q=recruitment",
        "/search?q=passport+employer",
        "/search?q=%E0%B8%84%E0%B9%88%E0%B8%B2",
        "/privacy",
    ]
    signed_in = [
        (f"/consultations/{slug}/dashboard", facilitator),
        (f"/consultations/{slug}/dashboard?page=2", facilitator),
        ("/consultations", facilitator),
        (f"/submissions/{submission_id}/sections/{key}", editor),
        ("/account", editor),
    ]
    return [(path, None) for path in visitor] + signed_in


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--no-preload", action="store_true")
    options = parser.parse_args()
    requests = mixed_requests()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(requests))
    store = {"REDIS_URL": REDIS} if _redis_up() else {}
    preload = {"GUNICORN_PRELOAD": "0" if options.no_preload else "1"}
    with server(gunicorn("wsgi:app", PORT), PORT, ROOT, app_env(**store, **preload)) as master:
        for path, cookie in requests:
            expect_page(PORT, path, cookie)
        workers = children(master.pid)
        print("loaded in the master:", "no" if options.no_preload else "yes")
        print(f"master after start: {_line(memory(master.pid))}")
        for number, pid in enumerate(workers, 1):
            print(f"worker {number} after start: {_line(memory(pid))}")
        answered = 0
        while answered < options.requests:
            out = subprocess.run(
                ["wrk", "-t2", "-c10", "-d10s", "-s", script.name, f"http://127.0.0.1:{PORT}/"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            answered += int(re.search(r"(\d+) requests in", out).group(1))
            errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            if errors:
                print(f"  warning: {errors.group(1)} answers were not 2xx or 3xx")
        print(f"after {answered} requests:")
        print(f"master: {_line(memory(master.pid))}")
        for number, pid in enumerate(workers, 1):
            print(f"worker {number}: {_line(memory(pid))}")
        if children(master.pid) != workers:
            print("  warning: a worker was replaced during the run")
    os.unlink(script.name)


def _line(figures: dict[str, float]) -> str:
    return "  ".join(f"{name} {value:6.1f} MB" for name, value in figures.items())


if __name__ == "__main__":
    main()
