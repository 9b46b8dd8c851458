"""Soak: many readers and some writers for minutes; errors, latency and a leak check.

    python bench/soak.py [--minutes 10] [--readers 50] [--writers 10] [--sqlite]

Serves the app as shipped (gunicorn.conf.py: 2 gthread workers of 4 threads) on a free port,
with its own database: PostgreSQL `gcm_soak` on 127.0.0.1 (SOAK_DATABASE_URL), or a
SQLite file with --sqlite, filled by `flask demo-data` plus one open consultation with
five draft submissions. Then, for the given minutes:

- readers (50) ask, each on its own keep-alive connection, for the consultation list and
  the consultation pages, in turn, as visitors;
- writers (10), two per section, each signed in as an editor of the submission, save the
  section like the editor does (htmx, a CSRF token), each based on its own last revision,
  so the two writers of a section (one at its start, one at its end) keep saving on stale
  bases, and their saves merge (a 409 keeps both texts).

It prints requests, errors (5xx and failed connections; a 409 is counted apart, it is an
answer), p50/p95/p99 per kind, and the resident memory of each worker at the start and
at the end. Finally it checks that every acknowledged save's words are in the database.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import ROOT, children, rss, wait_for_port

PYTHON = sys.executable
KEYS = {
    "SECRET_KEY": "soak-secret-key-not-for-production",
    "DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"s" * 32).decode(),
}
POSTGRES = os.environ.get(
    "SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gcm_soak"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(database_url: str, instance: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": instance, **KEYS}
    env.update({"RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)})
    env.pop("REDIS_URL", None)
    return env


def _fresh_database(sqlite: bool, instance: str) -> str:
    if sqlite:
        return f"sqlite:///{instance}/soak.sqlite"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return POSTGRES


SETUP = r"""
import json, sys
from itsdangerous import URLSafeTimedSerializer
from app import create_app
from app.extensions import db
from tests.factories import (
    make_consultation, make_org, make_submission, make_user, signed_in_cookie,
)

app = create_app()
writers = int(sys.argv[1])
with app.app_context():
    consultation = make_consultation(title="Soak consultation")
    serializer = app.session_interface.get_signing_serializer(app)
    csrf = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    out = {"slug": consultation.slug, "writers": []}
    sections = {}
    for number in range(writers):
        pair = number // 2
        if pair not in sections:
            owner = make_user(username=f"soakowner{pair}")
            org = make_org(owner, name=f"Soak organization {pair}")
            submission = make_submission(consultation, org, texts={"q1": "Start."})
            sections[pair] = (org, submission)
        org, submission = sections[pair]
        editor = make_user(username=f"soakwriter{number}")
        from app.organizations.models import Membership
        db.session.add(Membership(organization_id=org.id, user_id=editor.id, role="editor"))
        db.session.commit()
        contents = signed_in_cookie(editor)
        contents["csrf_token"] = f"soak-csrf-{number:04d}" + "0" * 30
        contents["_permanent"] = True
        cookie = serializer.dumps(contents)
        out["writers"].append({
            "cookie": f"{app.config['SESSION_COOKIE_NAME']}={cookie}",
            "csrf": csrf.dumps(contents["csrf_token"]),
            "path": f"/submissions/{submission.id}/sections/q1",
            "submission": submission.id,
        })
    print(json.dumps(out))
"""


class Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.error_kinds: dict[str, int] = {}
        self.conflicts = 0
        self.saved_words: list[tuple[int, str]] = []

    def record(self, kind: str, seconds: float, ok: bool, what: object = None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                label = f"{kind} {what}"
                self.error_kinds[label] = self.error_kinds.get(label, 0) + 1


RETRIED = {"count": 0}
STALE = (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)


def _request(connection, method, path, body=None, headers=None):
    """One request on a keep-alive connection. If the server closed the connection while it
    sat idle (gunicorn's keep-alive of 2 s) and nothing came back, send it once more on a new
    connection, as browsers do; such retries are counted apart."""
    try:
        return _send(connection, method, path, body, headers)
    except STALE:
        if not getattr(connection, "used", False):
            raise
    connection.close()
    RETRIED["count"] += 1
    return _send(connection, method, path, body, headers)


def _send(connection, method, path, body, headers):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.used = True
    return response, data


def _reader(port: int, paths: list[str], stop: float, figures: Figures) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    turn = random.randrange(len(paths))
    while time.monotonic() < stop:
        path = paths[turn % len(paths)]
        turn += 1
        kind = "list" if path == "/consultations" else "consultation"
        started = time.perf_counter()
        try:
            response, _ = _request(connection, "GET", path)
            ok, what = response.status == 200, response.status
        except (OSError, http.client.HTTPException) as error:
            ok, what = False, type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        figures.record(kind, time.perf_counter() - started, ok, what)
    connection.close()


def _writer(port: int, writer: dict, number: int, stop: float, figures: Figures) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Cookie": writer["cookie"],
        "X-CSRFToken": writer["csrf"],
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    base, text, count = "", "Start.", 0
    while time.monotonic() < stop:
        count += 1
        word = f"w{number}x{count}"
        # The two writers of a section write at its two ends: their saves on stale bases
        # merge (a 409 is a real overlap).
        text = f"{text} {word}" if number % 2 == 0 else f"{word} {text}"
        body = urlencode({"body": text, "base_revision": base, "csrf_token": writer["csrf"]})
        started = time.perf_counter()
        try:
            response, _ = _request(connection, "POST", writer["path"], body, headers)
        except (OSError, http.client.HTTPException) as error:
            figures.record("save", time.perf_counter() - started, False, type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        ok = response.status in (200, 409)
        figures.record("save", time.perf_counter() - started, ok, response.status)
        if response.status == 200:
            base = response.getheader("X-Own-Revision") or response.getheader("X-Revision") or ""
            with figures.lock:
                figures.saved_words.append((writer["submission"], word))
            # The editor goes on from its own text, based on its own revision: the next
            # save merges again with what the other writer saved meanwhile.
        elif response.status == 409:
            with figures.lock:
                figures.conflicts += 1
            base = response.getheader("X-Revision") or ""
        time.sleep(random.uniform(0.5, 1.5))  # a person types between saves


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "-"
    cuts = statistics.quantiles(values, n=100)
    return " / ".join(f"{cuts[p - 1] * 1000:.0f}" for p in (50, 95, 99))


def _worker_rss(master: int) -> list[int]:
    return sorted(rss(pid) // (1024 * 1024) for pid in children(master))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    options = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="gcm-soak-")
    database = _fresh_database(options.sqlite, instance)
    env = _env(database, instance)
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)
    setup = subprocess.run(
        [PYTHON, "-c", SETUP, str(options.writers)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    plan = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    server_log = Path(instance) / "gunicorn.log"
    with server_log.open("w") as log:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, timeout=60)
        paths = _reader_paths(port, plan["slug"])
        warm = Figures()
        _reader(port, paths, time.monotonic() + 5, warm)  # every page once, then measure
        rss_start = _worker_rss(server.pid)
        figures = Figures()
        stop = time.monotonic() + options.minutes * 60
        threads = [
            threading.Thread(target=_reader, args=(port, paths, stop, figures))
            for _ in range(options.readers)
        ] + [
            threading.Thread(target=_writer, args=(port, w, n, stop, figures))
            for n, w in enumerate(plan["writers"])
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        rss_end = _worker_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    missing = _missing_words(env, figures.saved_words)

    database_name = "SQLite" if options.sqlite else "PostgreSQL"
    total = sum(len(v) for v in figures.latencies.values())
    errors = sum(figures.errors.values())
    print(
        f"soak: {options.minutes:g} min, {options.readers} readers, {options.writers} writers, "
        f"{database_name}, gunicorn.conf.py as shipped"
    )
    print(f"requests: {total} ({total / elapsed:.0f}/s), errors: {errors}")
    everything = [x for values in figures.latencies.values() for x in values]
    print(f"all         p50/p95/p99 ms: {_percentiles(everything)}")
    for kind, values in sorted(figures.latencies.items()):
        print(
            f"{kind:<12}p50/p95/p99 ms: {_percentiles(values)}  "
            f"({len(values)} requests, {figures.errors.get(kind, 0)} errors)"
        )
    print(
        f"saves acknowledged: {len(figures.saved_words)}, 409 (both kept): {figures.conflicts}, "
        f"acknowledged words missing from the database: {missing}"
    )
    print(f"requests sent again after an idle keep-alive connection was closed: {RETRIED['count']}")
    if figures.error_kinds:
        print("errors by kind:", ", ".join(f"{k}: {v}" for k, v in figures.error_kinds.items()))
    tracebacks = server_log.read_text().count("Traceback")
    print(f"worker RSS MB at start: {rss_start}, at end: {rss_end}")
    print(f"server log: {server_log} ({tracebacks} tracebacks)")


def _reader_paths(port: int, soak_slug: str) -> list[str]:
    """The list and every consultation page it links to."""
    import re

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    _, data = _request(connection, "GET", "/consultations")
    connection.close()
    slugs = sorted(set(re.findall(rb'href="/consultations/([a-z0-9-]+)"', data)))
    pages = [f"/consultations/{s.decode()}" for s in slugs] or [f"/consultations/{soak_slug}"]
    return ["/consultations", *pages]


def _missing_words(env: dict, saved: list[tuple[int, str]]) -> int:
    """Acknowledged words that no revision of their section holds."""
    check = r"""
import json, sys
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.submissions.models import Revision, Section
saved = json.load(sys.stdin)
app = create_app()
with app.app_context():
    texts = {}
    for submission_id, body in db.session.execute(
        select(Section.submission_id, Revision.body)
        .join(Revision, Revision.section_id == Section.id)
        .where(Section.key == "q1")
    ):
        texts.setdefault(submission_id, []).append(body)
    latest = {k: " ".join(v) for k, v in texts.items()}
    print(sum(1 for submission_id, word in saved if word not in latest.get(submission_id, "")))
"""
    result = subprocess.run(
        [PYTHON, "-c", check],
        cwd=ROOT,
        env=env,
        input=json.dumps(saved),
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
