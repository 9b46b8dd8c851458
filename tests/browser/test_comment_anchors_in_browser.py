"""Commenting on a passage in a real browser: selecting words fills the quote, and without
JavaScript the quote typed by hand anchors the comment all the same."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.submissions.models import Comment
from tests.factories import PASSWORD, make_consultation, make_org, make_submission, make_user

pytestmark = pytest.mark.browser

TEXT = "Fees are high. Rent is high too. Fees are high."


def _sign_in(page, live_server, username):
    page.goto("/sign-in")
    page.fill("#identifier", username)
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")


@pytest.fixture
def draft():
    owner = make_user(username="annotator")
    return make_submission(make_consultation(), make_org(owner), texts={"q1": TEXT})


def _comment():
    db.session.expire_all()
    return db.session.scalars(db.select(Comment)).one()


def test_selecting_words_in_the_editor_quotes_them(page, live_server, draft, tmp_path):
    _sign_in(page, live_server, "annotator")
    page.goto(f"/submissions/{draft.id}/sections/q1")
    second = TEXT.rindex("Fees are high")
    page.eval_on_selector(
        "#body",
        "(el, at) => { el.focus(); el.setSelectionRange(at, at + 13);"
        " el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true})); }",
        second,
    )
    expect(page.locator("#comment-quote")).to_have_value("Fees are high")
    expect(page.locator("#live-status")).to_contain_text("quoted in the comment form")
    page.fill("#comment-body", "Which fees?")
    page.click("text=Add the comment")
    mark = page.locator("mark.passage")
    expect(mark).to_have_text("Fees are high")
    comment = _comment()
    assert comment.quote_prefix == TEXT[second - 32 : second]  # the second one was selected
    page.screenshot(path=str(tmp_path / "anchored.png"), full_page=True)


def test_without_javascript_a_typed_quote_anchors_the_comment(page_without_js, live_server, draft):
    page = page_without_js
    _sign_in(page, live_server, "annotator")
    page.goto(f"/submissions/{draft.id}/sections/q1")
    page.fill("#comment-quote", "Rent is high")
    page.fill("#comment-body", "Since when?")
    page.click("text=Add the comment")
    expect(page.locator("mark.passage")).to_have_text("Rent is high")
    assert _comment().quote_suffix == " too. Fees are high."
