"""gunicorn started again after its master was killed serves at once (no "Errno 98").

The killed master's workers still hold the listening socket while they finish their
requests (here: they are frozen with SIGSTOP, as if busy). With the shipped
gunicorn.conf.py (reuse_port) the new master binds beside them; without it, it gives up
after five tries with "Connection in use".
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with (
                contextlib.suppress(OSError, ValueError, IndexError),
                open(f"/proc/{entry}/stat") as stat,
            ):
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def _gunicorn(port: int, tmp_path: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "REDIS_URL": "",
        "LOG_LEVEL": "info",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
    with log.open("w") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def _wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert server.poll() is None, "gunicorn stopped"
        # A connection the kernel hands to a frozen old worker waits: try again soon.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if response.status in (200, 503):
                return time.monotonic() - started
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)  # the server is starting
    raise AssertionError("gunicorn never answered")


def test_gunicorn_starts_again_at_once_after_its_master_was_killed(tmp_path):
    port = _free_port()
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _gunicorn(port, tmp_path, first_log)
    second = None
    old_workers: list[int] = []
    try:
        _wait_until_serving(port, first)
        old_workers = _children(first.pid)
        assert old_workers
        for pid in old_workers:
            os.kill(pid, signal.SIGSTOP)  # busy: they keep the listening socket open
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert all(_alive(pid) for pid in old_workers)

        second = _gunicorn(port, tmp_path, second_log)
        waited = _wait_until_serving(port, second)
        assert waited < 15
        log = second_log.read_text()
        assert "Address already in use" not in log and "Connection in use" not in log
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                for child in _children(process.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(child, signal.SIGKILL)
                process.kill()
                process.wait(timeout=10)
        for pid in old_workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
