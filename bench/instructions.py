"""Instructions per page rendered afresh, counted by valgrind: a figure other work on the
machine does not change.

    .venv/bin/python bench/instructions.py [PAGE ...] [--requests 10]

Uses the data set bench/pages.py left in the bench database (run it once first). For each
page (list, consultation, dashboard, editor, search; all by default) and for the ceiling's
/list, runs a process under `valgrind --tool=callgrind` that renders the page 5 times
through Flask's test client, then counts the instructions of the next `--requests`
renders only (PAGE_CACHE_SECONDS=0). Prints millions of instructions per request and the
ceiling's count over the page's. It counts this process only: PostgreSQL's work and the
round trips to it are not in the figure (bench/pages.py measures everything together).
Each page takes about 20 s.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

from _support import PYTHON, ROOT, SHARED_BENCH, app_env

PAGES = ["list", "consultation", "dashboard", "editor", "search"]

# Run inside valgrind: render a page a few times, then count only the next renders.
CHILD = """
import os, subprocess, sys
sys.path.insert(0, {bench!r})
count = int(sys.argv[2])
if sys.argv[1] == "ceiling":
    sys.path.insert(0, {shared!r}); os.chdir({shared!r})
    from ceiling_app import app
    path, cookie = "/list", None
else:
    import profile_pages
    path, cookie = {{n: (p, c) for n, p, c in profile_pages.pages()}}[sys.argv[1]]
    from app import create_app
    app = create_app()
client = app.test_client()
if cookie:
    client.set_cookie(*cookie.split("=", 1))
for _ in range(5):
    assert client.get(path).status_code == 200
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True)
for _ in range(count):
    client.get(path)
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], capture_output=True)
"""


def instructions(page: str, requests: int) -> float:
    """Millions of instructions per request of one page."""
    child = CHILD.format(bench=str(ROOT / "bench"), shared=str(SHARED_BENCH))
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={folder}/out",
            PYTHON,
            "-c",
            child,
            page,
            str(requests),
        ]
        env = app_env(PAGE_CACHE_SECONDS="0", PYTHONPATH=str(ROOT))
        out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or found is None:
        sys.exit(f"{page}: valgrind failed\n{out.stderr[-2000:]}")
    return int(found.group(1)) / requests / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--requests", type=int, default=10)
    options = parser.parse_args()
    os.environ.update(app_env(PAGE_CACHE_SECONDS="0"))
    ceiling = instructions("ceiling", options.requests)
    print(f"{'ceiling /list':14} {ceiling:7.2f} M instructions per request")
    for page in options.pages:
        figure = instructions(page, options.requests)
        share = ceiling / figure
        print(f"{page:14} {figure:7.2f} M instructions per request  ceiling/page {share:5.2f}")


if __name__ == "__main__":
    main()
