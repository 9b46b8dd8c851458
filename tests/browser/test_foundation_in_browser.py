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


@pytest.mark.parametrize("locale", ["ar", "ur"])
def test_right_to_left_layout_on_a_small_phone(chromium, live_server, locale):
    context = chromium.new_context(
        base_url=live_server, locale=locale, viewport={"width": 360, "height": 800}
    )
    page = context.new_page()
    for path in ("/", "/sign-in", "/consultations"):
        page.goto(path)
        assert page.evaluate("document.documentElement.lang") == locale
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        # Nothing wider than the screen (long words in Urdu or Arabic wrap).
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto("/")
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


def test_directory_updates_as_one_types_and_keeps_the_url(page, live_server):
    from tests.factories import make_org

    make_org(name="Nepali Workers Forum")
    make_org(name="Garden Club")
    page.goto("/organizations")
    expect(page.locator("#results")).to_contain_text("Garden Club")
    page.fill("#q", "nepali")
    expect(page.locator("#results")).not_to_contain_text("Garden Club")
    expect(page.locator("#results")).to_contain_text("Nepali Workers Forum")
    page.wait_for_url("**/organizations?q=nepali*")
    page.reload()
    expect(page.locator("#results")).not_to_contain_text("Garden Club")


def test_directory_filters_work_without_javascript(page_without_js):
    from tests.factories import make_org

    make_org(name="Nepali Workers Forum", countries=["NP"])
    make_org(name="Garden Club", countries=["PH"])
    page = page_without_js
    page.goto("/organizations")
    page.select_option("#country", "NP")
    page.click("form.filters button[type=submit]")
    expect(page.locator("#results")).to_contain_text("Nepali Workers Forum")
    expect(page.locator("#results")).not_to_contain_text("Garden Club")


def test_invitation_link_can_be_copied_and_accepted(chromium, live_server):
    from tests.factories import PASSWORD, make_org

    owner = make_user(username="owner1")
    org = make_org(owner, name="Quiet Shelter", listed=False)
    make_user(username="newcomer")
    context = chromium.new_context(base_url=live_server)
    page = context.new_page()
    page.goto("/sign-in")
    page.fill("#identifier", "owner1")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"/organizations/{org.id}/members")
    page.click("#invite button[type=submit]")
    link = page.locator("#new-link").input_value()
    assert "/invitations/" in link
    context.close()
    other = chromium.new_context(base_url=live_server)
    tab = other.new_page()
    tab.goto("/sign-in")
    tab.fill("#identifier", "newcomer")
    tab.fill("#password", PASSWORD)
    tab.click("form#sign-in-form button[type=submit]")
    tab.wait_for_url(f"{live_server}/")
    tab.goto(link)
    tab.click("main form button[type=submit]")
    expect(tab.locator("h1")).to_contain_text("Quiet Shelter")
    other.close()
