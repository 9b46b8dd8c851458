"""Where rate-limit counters live, so that limits hold across processes and through faults.

Flask-Limiter counts tries in one store for all the web processes:

- Redis, when REDIS_URL is set (shared by every machine);
- otherwise, and for as long as Redis does not answer, a small SQLite file in a private
  directory on tmpfs (/dev/shm, or RATELIMIT_STORE_DIR), shared by every process of this
  machine and never written to persistent disk;
- if that fails too, the memory of each process: limits then hold per process, but a
  limited form never answers 500 because a store is down.

A store that failed is skipped for RETRY_SECONDS, then tried again. Counter names are keyed
hashes that change every day (app/security.py: rate_limit_key), and counters are deleted
when their window ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import math
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from flask import Flask, Response
from limits.storage import MemoryStorage, RedisStorage, Storage

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

SCHEME = "gcm-limits"
# A store that failed is not asked again for this long (each process decides for itself).
RETRY_SECONDS = 30
# Redis is asked with short timeouts: a hanging Redis must not hang sign-in.
REDIS_TIMEOUT_SECONDS = 0.5
# How often each process deletes counters whose window has ended.
PURGE_SECONDS = 60
DEFAULT_STORE_DIR = "/dev/shm"


class MachineStorage(Storage):
    """Counters in an SQLite file shared by every process of this machine.

    The file sits in a directory that only this user may enter, on tmpfs; deleted rows are
    overwritten (secure_delete). The rollback journal stays a file beside the database, on
    tmpfs as well: a process killed in the middle of a write (a gunicorn timeout) cannot
    leave a damaged store behind, which an in-memory journal could.

    sqlite3 (about 1 MB with its library) is imported when the store is first used: with
    Redis answering, a web worker never needs it.
    """

    STORAGE_SCHEME = ["gcm-machine"]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        path: str = "",
        clock: Callable[[], float] = time.time,
        **_: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = Path(path or urlparse(uri or "").path)
        self.clock = clock
        self._local = threading.local()
        self._last_purge = 0.0

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        import sqlite3

        return (sqlite3.Error, OSError)

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process (a forked child opens its own).
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = self._open()
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        _private_directory(self.path.parent)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        connection.execute("PRAGMA secure_delete = ON")
        # Nothing here must survive a power cut, so there is nothing to flush to disk.
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS counters ("
            " key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL"
            ") WITHOUT ROWID"
        )
        return connection

    def _run(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        import sqlite3

        try:
            return self._connection().execute(sql, parameters)
        except sqlite3.DatabaseError as error:
            if not isinstance(error, sqlite3.OperationalError):
                self._discard()  # a damaged file: start again with an empty one
            raise

    def _discard(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()
        self.path.unlink(missing_ok=True)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self.clock()
        self._purge(now)
        # One statement, so two processes counting at once both count, each its own try.
        return self._run(
            "INSERT INTO counters (key, count, expires_at) VALUES (?1, ?2, ?3 + ?4)"
            " ON CONFLICT (key) DO UPDATE SET"
            "  count = CASE WHEN expires_at <= ?3 THEN excluded.count"
            "          ELSE count + excluded.count END,"
            "  expires_at = CASE WHEN expires_at <= ?3 THEN excluded.expires_at"
            "               ELSE expires_at END"
            " RETURNING count",
            (key, amount, now, expiry),
        ).fetchall()[0][0]

    def get(self, key: str) -> int:
        row = self._run(
            "SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, self.clock())
        ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        now = self.clock()
        row = self._run(
            "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?", (key, now)
        ).fetchone()
        return row[0] if row else now

    def check(self) -> bool:
        try:
            self._run("SELECT 1")
        except self.base_exceptions:
            return False
        return True

    def reset(self) -> int | None:
        return self._run("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._run("DELETE FROM counters WHERE key = ?", (key,))

    def _purge(self, now: float) -> None:
        if now - self._last_purge >= PURGE_SECONDS:
            self._last_purge = now
            self._run("DELETE FROM counters WHERE expires_at <= ?", (now,))


def _private_directory(directory: Path) -> None:
    """Make the store's directory (mode 0700), or check that ours is the one already there."""
    with contextlib.suppress(FileExistsError):
        directory.mkdir(mode=0o700, parents=True)
    info = directory.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"{directory} is not a directory of this user")
    if stat.S_IMODE(info.st_mode) != 0o700:
        directory.chmod(0o700)


class FailoverStorage(Storage):
    """Redis when configured, else (and while Redis fails) the machine's store, and the
    process's memory when both fail. Each call goes to the first store that is not resting."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        redis_url: str = "",
        machine_path: str = "",
        **_: Any,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.stores: list[Storage] = []
        if redis_url:
            self.stores.append(
                RedisStorage(
                    redis_url,
                    socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                    socket_timeout=REDIS_TIMEOUT_SECONDS,
                )
            )
        if machine_path:
            self.stores.append(MachineStorage(path=machine_path))
        self.stores.append(MemoryStorage())
        self._resting_until = [0.0] * len(self.stores)

    @property
    def base_exceptions(self) -> type[Exception]:
        return _NeverRaised

    def _call(self, method: str, *args: Any) -> Any:
        last = len(self.stores) - 1
        for index, store in enumerate(self.stores):
            if index < last and time.monotonic() < self._resting_until[index]:
                continue
            try:
                return getattr(store, method)(*args)
            except _exceptions(store) + (OSError,) as error:
                if index == last:
                    raise
                self._resting_until[index] = time.monotonic() + RETRY_SECONDS
                log.warning(
                    "rate-limit store %s failed (%s); using the next one for %d seconds",
                    type(store).__name__,
                    type(error).__name__,
                    RETRY_SECONDS,
                )
        raise AssertionError("the last store is always asked")  # pragma: no cover

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def check(self) -> bool:
        return True  # the last store always answers

    def reset(self) -> int | None:
        return sum(_quietly(store.reset) or 0 for store in self.stores)

    def clear(self, key: str) -> None:
        for store in self.stores:
            _quietly(store.clear, key)


class _NeverRaised(Exception):
    """FailoverStorage handles its stores' errors itself."""


def _exceptions(store: Storage) -> tuple[type[Exception], ...]:
    found = store.base_exceptions
    return found if isinstance(found, tuple) else (found,)


def _quietly(call, *args: Any) -> Any:
    try:
        return call(*args)
    except Exception as error:  # resetting a store that is down: nothing to reset there
        log.warning("rate-limit store could not be cleared (%s)", type(error).__name__)
        return None


def machine_store_path(config: dict) -> Path | None:
    """The machine's counter file: one per SECRET_KEY, so the processes of one instance
    share it and other instances on the machine (and test runs) keep their own."""
    directory = config.get("RATELIMIT_STORE_DIR") or _default_store_dir()
    if directory is None:
        return None
    tag = hmac.new(config["SECRET_KEY"].encode(), b"rate-limit store", hashlib.sha256).hexdigest()[
        :16
    ]
    return Path(directory) / f"gcm-limits-{tag}" / "counters.sqlite"


def _default_store_dir() -> str | None:
    if os.path.isdir(DEFAULT_STORE_DIR) and os.access(DEFAULT_STORE_DIR, os.W_OK):
        return DEFAULT_STORE_DIR
    return None


def configure_rate_limit_storage(app: Flask) -> None:
    """Tell the failover store (RATELIMIT_STORAGE_URI gcm-limits://) where its stores are."""
    config = app.config
    if urlparse(config["RATELIMIT_STORAGE_URI"]).scheme != SCHEME:
        return
    path = machine_store_path(config)
    if path is None:
        log.warning(
            "no tmpfs directory for rate-limit counters (set RATELIMIT_STORE_DIR): "
            "without Redis, each process counts for itself"
        )
    config["RATELIMIT_STORAGE_OPTIONS"] = {
        "redis_url": config["REDIS_URL"] or "",
        "machine_path": str(path or ""),
    }


def counts_as_failure(response: Response) -> bool:
    """For limits that count only refused tries (deduct_when): anything but a success."""
    return response.status_code >= 400


def seconds_until_retry() -> int | None:
    """When the limit this request broke lets the client try again, in seconds."""
    from app.extensions import limiter

    broken = limiter.current_limit
    if broken is None or not broken.breached:
        return None
    return max(0, math.ceil(broken.window.reset_time - time.time()))
