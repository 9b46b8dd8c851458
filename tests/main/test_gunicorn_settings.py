"""The shipped gunicorn settings that keep a worker's memory down (issue 19)."""

from __future__ import annotations

import platform
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _settings(monkeypatch, **env: str) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_threaded_workers_get_few_malloc_arenas(monkeypatch):
    # Not loaded in the master here: when_ready would freeze this test process's objects.
    settings = _settings(monkeypatch, GUNICORN_THREADS="4", GUNICORN_PRELOAD="0")
    assert settings["worker_class"] == "gthread"
    applied = []
    monkeypatch.setitem(
        settings["when_ready"].__globals__, "fewer_malloc_arenas", lambda: applied.append(1)
    )
    settings["when_ready"](None)
    assert applied == [1]


def test_setting_the_arenas_works_on_this_c_library(monkeypatch):
    settings = _settings(monkeypatch)
    if platform.libc_ver()[0] != "glibc":  # pragma: no cover - another C library
        pytest.skip("glibc only")
    assert settings["fewer_malloc_arenas"]() is True
