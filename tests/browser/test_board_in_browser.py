"""The live board in a real browser: it polls with its ETag, keeps itself on 304, and
shows a change without a reload; without JavaScript, reloading is enough."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.sessions import board
from app.timeutil import utcnow
from tests.factories import (
    PASSWORD,
    join_consultation,
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_user,
    register_for,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def live_board():
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    alice = make_user(username="alice")
    org = make_org(alice, name="Migrant Workers Network")
    join_consultation(consultation, org)
    session = make_session(consultation, state="live")
    register_for(session, alice, org)
    point = make_contribution(session, alice, org, body="Ban recruitment fees.", state="pending")
    return session, point, facilitator


def _sign_in(page, live_server):
    page.goto("/sign-in")
    page.fill("#identifier", "alice")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.wait_for_url(f"{live_server}/")


def _approve(point, facilitator):
    with db.session.no_autoflush:
        board.approve(facilitator, db.session.merge(point), utcnow())
    db.session.commit()


def test_board_polls_with_its_etag_and_updates_by_itself(page, live_server, live_board):
    session, point, facilitator = live_board
    _sign_in(page, live_server)
    page.goto(f"/sessions/{session.id}/board")
    expect(page.locator("#board-live")).to_contain_text("No point on the board yet.")
    etag = page.locator("#board-live").get_attribute("data-etag")
    with page.expect_response(lambda r: "/board/live" in r.url) as polled:
        pass
    response = polled.value
    assert response.status == 304
    assert response.request.headers.get("if-none-match") == etag
    # A 304 leaves the board as it was.
    expect(page.locator("#board-live")).to_contain_text("No point on the board yet.")

    _approve(point, facilitator)
    expect(page.locator("#board-live")).to_contain_text("Ban recruitment fees.")
    expect(page.locator("#board-live")).not_to_have_attribute("data-etag", etag)


def test_board_works_by_reloading_without_javascript(page_without_js, live_server, live_board):
    session, point, facilitator = live_board
    page = page_without_js
    page.goto("/sign-in")
    page.fill("#identifier", "alice")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.goto(f"/sessions/{session.id}/board")
    page.fill("#body", "Contracts must be in our language.")
    page.click("section[aria-labelledby=post-title] button[type=submit]")
    expect(page.locator("body")).to_contain_text("Your point is sent.")
    expect(page.locator("#board-live")).to_contain_text("Contracts must be in our language.")
    _approve(point, facilitator)
    page.reload()
    expect(page.locator("#board-live")).to_contain_text("Ban recruitment fees.")
