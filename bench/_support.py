"""Shared helpers for the benchmark scripts: a fresh PostgreSQL database, servers, wrk,
and what /proc says of processes."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = ROOT.parent / "shared" / "bench"
# The checkout's own virtualenv, or (a git worktree without one) the running interpreter's.
_VENV = ROOT / ".venv" / "bin" if (ROOT / ".venv").exists() else Path(sys.executable).parent
PYTHON = str(_VENV / "python")
GUNICORN = str(_VENV / "gunicorn")
DATABASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gcm_bench"
)
KEYS = {
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"b" * 32).decode(),
}


def app_env(**extra) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE,
        "INSTANCE_PATH": "/tmp/gcm-bench-instance",
        "RATELIMIT_ENABLED": "false",
        **KEYS,
    }
    env.pop("REDIS_URL", None)  # jobs run in the process, unless a script passes REDIS_URL
    env.update(extra)
    return env


def fresh_database(submissions: int) -> None:
    """Drop and create the bench database, migrate it, and load the demo data set."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(DATABASE)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    subprocess.run(
        [*flask, "db", "upgrade"], cwd=ROOT, env=app_env(), check=True, capture_output=True
    )
    started = time.perf_counter()
    subprocess.run(
        [*flask, "demo-data", "--submissions", str(submissions)],
        cwd=ROOT,
        env=app_env(),
        check=True,
        capture_output=True,
    )
    # Statistics for the planner, as autovacuum would gather them after a bulk load.
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()
    print(
        f"demo data with {submissions} submissions loaded in {time.perf_counter() - started:.0f} s"
    )


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def server(args: list[str], port: int, cwd: Path, env: dict | None = None):
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env or os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def gunicorn(app: str, port: int, workers: int = 2, worker_class: str = "sync") -> list[str]:
    # gunicorn reads ./gunicorn.conf.py (threads = 4) and turns "sync" into "gthread"
    # when threads > 1: sync workers need --threads 1 said explicitly.
    threads = ["--threads", "1"] if worker_class == "sync" else []
    return [
        GUNICORN,
        "-w",
        str(workers),
        "-k",
        worker_class,
        *threads,
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]


def wrk(url: str, cookie: str | None = None, seconds: int = 10) -> tuple[float, float]:
    """Requests per second and median latency (ms) of `wrk -t2 -c10 --latency`."""
    command = ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    median = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(median.group(1)), median.group(2)
    median_ms = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx answers from {url}", file=sys.stderr)
    return rate, median_ms


def expect_page(port: int, path: str, cookie: str | None = None) -> int:
    """Ask for a page once and stop the bench unless it answers 200: wrk counts a redirect
    (to the sign-in page, say) as a success, and would time the wrong page."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    if answer.status != 200:
        raise SystemExit(f"{path} answered {answer.status}, not 200: the figure would be wrong")
    return len(body)


def session_cookie(username: str) -> str:
    """A signed-in session cookie for a demo account, made with the bench's secret key.

    Since sign-in keeps a session row (app/auth/sessions.py), the cookie carries that row's
    token too: without it the app treats the request as signed out, and a "facilitator"
    figure would measure the sign-in redirect."""
    os.environ.update(app_env())
    from app import create_app
    from app.auth.models import User
    from app.auth.sessions import SESSION_TOKEN, open_account_session
    from app.extensions import db
    from app.timeutil import utcnow

    app = create_app()
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        token = open_account_session(user, utcnow())
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True, SESSION_TOKEN: token})
        return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    """The process and everything it started, at any depth. Read from each thread's
    `/proc/PID/task/TID/children` where Linux has it: a scan of all of /proc per process
    (`children`) took about 2.5 ms, so sampling a tree of four processes every 50 ms cost the
    measured process a fifth of a core."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(_task_children(current))
    return found


def _task_children(pid: int) -> list[int]:
    if not os.path.exists(f"/proc/self/task/{os.getpid()}/children"):
        return children(pid)  # a kernel without these files
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:  # it has ended
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as listed:
                found.extend(int(child) for child in listed.read().split())
        except OSError:  # the thread has ended
            pass
    return found


def cpu_ticks(pid: int) -> int:
    """User and system CPU time of a process so far, in clock ticks."""
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def busiest_worker_share(workers: list[int], run):
    """Run `run()` and say what share of the workers' CPU time the busiest one used: about
    0.5 with two workers sharing the load, 1.0 when one took every connection."""
    before = {pid: cpu_ticks(pid) for pid in workers}
    result = run()
    used = [cpu_ticks(pid) - before[pid] for pid in workers]
    return result, max(used) / sum(used) if sum(used) else 0.0


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS of a process in MB, from /proc/<pid>/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0]) / 1024
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"RSS": fields["Rss"], "PSS": fields["Pss"], "USS": uss}
