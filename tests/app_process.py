"""The app in a process of its own, driven by JSON lines on stdin (tests only).

Tests start two of these to check what separate web processes share, such as rate limits.
The process builds its app from the shipped configuration's REDIS_URL and rate-limit
settings (read from its environment, as a gunicorn worker would), with the test database
and secret given on the command line. Each line in is a command, each line out an answer:

    {"post": "/sign-in", "data": {...}, "address": "198.51.100.7"}
        -> {"status": 422, "body": "...", "retry_after": null}
    {"user": {"username": "amir", "two_factor": true}}  -> {"id": 1}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class AppProcess:
    """One app process; `post` and `make_user` wait for its answer."""

    def __init__(self, database_url: str, secret_key: str, env: dict[str, str], log: Path):
        settings = json.dumps({"database_url": database_url, "secret_key": secret_key})
        self.log = log
        self._log_file = log.open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.app_process", settings],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
        )
        self._ready = False

    def post(self, path: str, data: dict, address: str = "198.51.100.7") -> dict:
        return self._ask({"post": path, "data": data, "address": address})

    def make_user(self, **fields) -> int:
        return self._ask({"user": fields})["id"]

    def _ask(self, command: dict) -> dict:
        if not self._ready:  # processes start side by side; the first question waits
            self._answer()
            self._ready = True
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        return self._answer()

    def _answer(self) -> dict:
        line = self._process.stdout.readline()
        if not line:
            self._log_file.flush()
            raise RuntimeError(f"the app process ended:\n{self.log.read_text()}")
        return json.loads(line)

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)
        self._process.stdout.close()
        self._log_file.close()


def _serve(settings: dict) -> None:
    from app import create_app
    from app.config import Config, TestConfig

    app = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=settings["database_url"],
            SECRET_KEY=settings["secret_key"],
            REDIS_URL=Config.REDIS_URL,
            RATELIMIT_STORAGE_URI=Config.RATELIMIT_STORAGE_URI,
            RATELIMIT_STORE_DIR=getattr(Config, "RATELIMIT_STORE_DIR", None),
        )
    )
    client = app.test_client()
    _say({"ready": True, "pid": os.getpid()})
    for line in sys.stdin:
        command = json.loads(line)
        if "user" in command:
            from tests.factories import make_user

            with app.app_context():
                _say({"id": make_user(**command["user"]).id})
            continue
        response = client.post(
            command["post"],
            data=command["data"],
            environ_base={"REMOTE_ADDR": command["address"]},
        )
        _say(
            {
                "status": response.status_code,
                "body": response.get_data(as_text=True),
                "retry_after": response.headers.get("Retry-After"),
            }
        )


def _say(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    _serve(json.loads(sys.argv[1]))
