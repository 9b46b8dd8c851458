"""The baseline in a real browser: quick exit, htmx forms, no-JS forms, RTL, no foreign hosts."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_quick_exit_button_leaves_and_replaces_the_history_entry(page, live_server):
    page.goto("/privacy")
    page.goto("/sign-in")
    page.click("#quick-exit")
    page.wait_for_url(f"{live_server}/healthz")
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/privacy"  # the sign-in page is gone from history


def test_pressing_escape_twice_is_a_quick_exit(page, live_server):
    page.goto("/sign-in")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(f"{live_server}/healthz")


def test_htmx_sign_up_shows_errors_in_place_with_csrf_header(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/sign-up")
    page.fill("#display_name", "Rina")
    page.fill("#username", "rina")
    page.fill("#password", "short")
    page.fill("#password_confirm", "short")
    with page.expect_response(lambda r: r.url.endswith("/sign-up")) as info:
        page.click("form#sign-up-form button[type=submit]")
    assert info.value.status == 422
    assert info.value.request.headers.get("x-csrftoken")
    expect(page.locator("#password-error")).to_contain_text("at least 12 characters")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#display_name")).to_have_value("Rina")
    assert not [e for e in errors if "Content Security Policy" in e]


def test_sign_in_works_with_javascript_off(page_without_js, live_server):
    make_user(username="amir")
    page = page_without_js
    page.goto("/sign-in")
    page.fill("#identifier", "amir")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    expect(page.locator("nav.main-nav")).to_contain_text("My account")


def test_sign_in_with_htmx_follows_hx_redirect(page, live_server):
    make_user(username="amir")
    page.goto("/sign-in")
    page.fill("#identifier", "amir")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    expect(page.locator("nav.main-nav")).to_contain_text("My account")


def test_arabic_layout_runs_right_to_left(chromium, live_server):
    context = chromium.new_context(base_url=live_server, locale="ar")
    page = context.new_page()
    page.goto("/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    bar = page.locator(".site-header .bar").bounding_box()
    exit_box = page.locator("#quick-exit").bounding_box()
    assert exit_box["x"] < bar["x"] + bar["width"] / 2  # mirrored: quick exit on the left
    context.close()


def test_pages_request_nothing_from_other_hosts(page, live_server):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in ("/", "/sign-up", "/sign-in", "/privacy"):
        page.goto(path)
    assert hosts == {live_server.split("/")[2]}


def test_language_switcher_submits_on_change(page):
    page.goto("/privacy")
    page.select_option("#language-select", "id")
    page.wait_for_function("document.documentElement.lang === 'id'")
    assert page.url.endswith("/privacy")
