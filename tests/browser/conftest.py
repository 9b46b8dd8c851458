"""A live server in a thread and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.config import TestConfig
from tests.conftest import need_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory):
    """The app with CSRF on, served on a free port, sharing the tests' database."""
    files = tmp_path_factory.mktemp("live-files")
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=database_url,
            WTF_CSRF_ENABLED=True,
            UPLOAD_DIR=str(files / "uploads"),
            COMPILATION_DIR=str(files / "compilations"),
            BOARD_POLL_SECONDS=1,
        )
    )
    server = make_server("127.0.0.1", 0, application, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    application.config["QUICK_EXIT_URL"] = f"{base}/healthz"
    application.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        need_service("Chromium", f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context per test: no cookies carried between tests."""
    context = chromium.new_context(base_url=live_server, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def page_without_js(chromium, live_server):
    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
