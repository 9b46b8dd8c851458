"""Autosave in a real browser: saving while typing, and losing nothing in bad moments."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.submissions.models import Section
from tests.factories import PASSWORD, make_consultation, make_org, make_submission, make_user

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, username):
    page.goto("/sign-in")
    page.fill("#identifier", username)
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def _text(section_id):
    db.session.expire_all()
    return db.session.get(Section, section_id).text


@pytest.fixture
def draft():
    owner = make_user(username="writer")
    submission = make_submission(make_consultation(), make_org(owner), texts={"q1": "Start."})
    return submission, submission.section("q1").id


def test_text_is_saved_a_moment_after_typing_stops(page, live_server, draft):
    submission, section_id = draft
    _sign_in(page, live_server, "writer")
    page.goto(f"/submissions/{submission.id}/sections/q1")
    page.fill("#body", "Start. Wages are paid three months late.")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    assert _text(section_id) == "Start. Wages are paid three months late."
    expect(page.locator("#word-count")).to_contain_text("7 of 500 words")


def test_offline_text_stays_and_is_saved_when_back_online(chromium, live_server, draft):
    submission, section_id = draft
    context = chromium.new_context(base_url=live_server)
    page = context.new_page()
    _sign_in(page, live_server, "writer")
    page.goto(f"/submissions/{submission.id}/sections/q1")
    context.set_offline(True)
    page.fill("#body", "Written on the bus without signal.")
    page.locator("#body").blur()
    expect(page.locator("#save-status")).to_contain_text("no connection", timeout=10_000)
    assert page.input_value("#body") == "Written on the bus without signal."
    assert _text(section_id) == "Start."
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    assert _text(section_id) == "Written on the bus without signal."
    context.close()


def test_signed_out_text_stays_and_is_saved_after_signing_in_again(chromium, live_server, draft):
    submission, section_id = draft
    context = chromium.new_context(base_url=live_server)
    editor_tab = context.new_page()
    _sign_in(editor_tab, live_server, "writer")
    editor_tab.goto(f"/submissions/{submission.id}/sections/q1")
    other_tab = context.new_page()
    other_tab.goto("/account")
    other_tab.click("nav.main-nav form button[type=submit]")  # sign out in another tab
    editor_tab.fill("#body", "Typed after my session ended.")
    editor_tab.locator("#body").blur()
    expect(editor_tab.locator("#save-status")).to_contain_text("signed out", timeout=10_000)
    assert editor_tab.input_value("#body") == "Typed after my session ended."
    _sign_in(other_tab, live_server, "writer")
    editor_tab.locator("#body").press("End")
    editor_tab.keyboard.type(" More.")
    expect(editor_tab.locator("#save-status")).to_contain_text("Saved at", timeout=15_000)
    assert _text(section_id) == "Typed after my session ended. More."
    context.close()


def test_concurrent_editor_sees_merged_text(chromium, live_server, draft):
    submission, section_id = draft
    from app.organizations.models import Membership

    second = make_user(username="second")
    db.session.add(
        Membership(
            organization_id=submission.lead_organization_id, user_id=second.id, role="editor"
        )
    )
    db.session.commit()
    one = chromium.new_context(base_url=live_server)
    two = chromium.new_context(base_url=live_server)
    first_page, second_page = one.new_page(), two.new_page()
    _sign_in(first_page, live_server, "writer")
    _sign_in(second_page, live_server, "second")
    for tab in (first_page, second_page):
        tab.goto(f"/submissions/{submission.id}/sections/q1")
    first_page.fill("#body", "Start. First person's sentence.")
    expect(first_page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    second_page.fill("#body", "Second opening. Start.")
    expect(second_page.locator("#save-status")).to_contain_text("merged", timeout=10_000)
    expect(second_page.locator("#body")).to_have_value(
        "Second opening. Start. First person's sentence."
    )
    assert _text(section_id) == "Second opening. Start. First person's sentence."
    one.close()
    two.close()


def test_editor_works_without_javascript(page_without_js, live_server, draft):
    submission, section_id = draft
    page = page_without_js
    page.goto("/sign-in")
    page.fill("#identifier", "writer")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.goto(f"/submissions/{submission.id}/sections/q1")
    page.fill("#body", "Saved with the button.")
    page.click("#section-form button[type=submit]")
    expect(page.locator(".notice-success")).to_contain_text("Saved.")
    assert _text(section_id) == "Saved with the button."
