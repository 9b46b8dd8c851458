"""The whole journey, as a newcomer lives it (issue 14), through the UI in Chromium.

Each person has their own browser context. The world around the newcomer (a consultation
with its facilitator, a UN reviewer, a focal point, a co-author organization, a live
session) comes from factories; everything the newcomer and the others do is done through
the pages. axe-core (node_modules, see package.json) checks every page the journey visits
against WCAG 2.2 A and AA, in English and, on a 360×800 screen, in Arabic.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.consultations.models import ConsultationStaff
from app.extensions import db
from app.organizations.models import Membership
from tests.conftest import need_service
from tests.factories import (
    PASSWORD,
    enrol_key,
    join_consultation,
    make_consultation,
    make_org,
    make_session,
    make_user,
    totp_now,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

DRAFT_ONE = "Recruitment agencies keep our passports."
DRAFT_TWO = "Domestic workers have no weekly day off."
POINT = "Make recruitment fees illegal for workers."
REPORT = "A recruiter threatened me after the meeting."
REPLY = "We read your report. You can write to us here safely."


class Axe:
    """Runs axe-core in the page and keeps what it found, per page."""

    def __init__(self):
        if not AXE.exists():
            need_service("axe-core", f"{AXE} is missing (run: npm ci)")
        self.source = AXE.read_text(encoding="utf-8")
        self.found: dict[str, list[str]] = {}
        self.pages = 0

    def check(self, page, label: str) -> None:
        page.wait_for_load_state()
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)  # through the debugging protocol: the CSP still holds
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r =>"
            " r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' '))))",
            AXE_TAGS,
        )
        self.pages += 1
        if result:
            self.found[f"{label} {page.url}"] = result

    def assert_clean(self) -> None:
        assert self.pages >= 10
        assert self.found == {}, self.found


@pytest.fixture
def world():
    facilitator = make_user(role="facilitator", username="fiona")
    reviewer = make_user(role="un-reviewer", username="ravi")
    focal = make_user(username="faith", two_factor=True)
    consultation = make_consultation(
        title="Regional review of labour migration", facilitator=facilitator, questions=2
    )
    consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
    consultation.staff.append(ConsultationStaff(user_id=focal.id, role="focal-point"))
    db.session.commit()
    enrol_key(focal)
    partner_owner = make_user(username="paula")
    partner = make_org(partner_owner, name="Partner Shelter Network")
    join_consultation(consultation, partner)
    session = make_session(consultation, state="live", title="Online round table")
    return {
        "facilitator": facilitator,
        "reviewer": reviewer,
        "focal": focal,
        "consultation": consultation,
        "partner_owner": partner_owner,
        "partner": partner,
        "session": session,
    }


def _context(chromium, live_server, **options):
    context = chromium.new_context(base_url=live_server, locale="en-US", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _sign_in(page, live_server, user, *, code: bool = False):
    page.goto("/sign-in")
    page.fill("#identifier", user.username)
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    if code:
        page.wait_for_url(re.compile(r".*/sign-in/code"))
        page.fill("#code", totp_now(user))
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(live_server)}/(\?.*)?$|.*/safety/.*"))


def _pick_country(page, code: str) -> None:
    """The country list (a multiple select, or checkboxes with a filter)."""
    select = page.locator("select#countries")
    if select.count():
        select.select_option([code])
    else:
        page.check(f"input[name=countries][value={code}]")


def _pick_language(page, code: str) -> None:
    select = page.locator("select#languages")
    if select.count():
        select.select_option([code])
    else:
        page.check(f"input[name=languages][value={code}]")


def _cookie_contents(value: str) -> str:
    import base64
    import zlib

    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def test_the_whole_journey(chromium, live_server, world):
    axe = Axe()
    consultation, session = world["consultation"], world["session"]
    slug = consultation.slug

    # --- A newcomer signs up: the recovery codes replace the page, never nest in it. ---
    newcomer, me = _context(chromium, live_server)
    me.goto("/sign-up")
    axe.check(me, "sign-up")
    me.fill("#display_name", "Nadia")
    me.fill("#username", "nadia")
    me.fill("#password", PASSWORD)
    me.fill("#password_confirm", PASSWORD)
    me.click("form#sign-up-form button[type=submit]")
    expect(me.locator("#recovery-codes li")).to_have_count(10)
    assert me.locator("header.site-header").count() == 1
    assert me.locator("#quick-exit").count() == 1 and me.locator("footer").count() == 1
    assert me.evaluate("document.body.dataset.idleMinutes") == "30"  # signed in now
    axe.check(me, "recovery codes")
    me.click("main a.button")

    # --- registers an organization; safety defaults are off ---
    me.goto("/organizations/new")
    expect(me.locator("input[name=listed][value=unlisted]")).to_be_checked()
    me.fill("#name", "Newcomers Workers Union")
    me.select_option("#kind", "migrant-led")
    _pick_country(me, "PH")
    _pick_language(me, "en")
    me.fill("#description", "Workers helping workers.")
    axe.check(me, "register organization")
    me.click("main form button[type=submit]")
    me.wait_for_url(re.compile(r".*/organizations/\d+$"))
    org_url = me.url
    org_id = int(org_url.rsplit("/", 1)[1])

    # --- a facilitator verifies it ---
    staff, fiona = _context(chromium, live_server)
    _sign_in(fiona, live_server, world["facilitator"], code=True)
    fiona.goto("/organizations/verification")
    axe.check(fiona, "verification queue")
    fiona.click(f"form[action='/organizations/{org_id}/verify'] button[type=submit]")
    me.goto(org_url)
    expect(me.locator("main .badge-verified").first).to_be_visible()

    # --- the newcomer joins the consultation and starts the submission ---
    me.goto(f"/consultations/{slug}")
    axe.check(me, "consultation")
    me.click(f"form[action='/consultations/{slug}/join'] button[type=submit]")
    me.click(f"form[action='/consultations/{slug}/submissions'] button[type=submit]")
    me.wait_for_url(re.compile(r".*/submissions/\d+$"))
    submission_url = me.url
    submission_id = int(submission_url.rsplit("/", 1)[1])
    axe.check(me, "submission")

    # --- a second member writes the same section at the same time ---
    nadia = db.session.scalar(db.select(type(world["focal"])).filter_by(username="nadia"))
    colleague = make_user(username="carlos")
    db.session.add(Membership(organization_id=org_id, user_id=colleague.id, role="editor"))
    db.session.commit()
    second, carlos = _context(chromium, live_server)
    _sign_in(carlos, live_server, colleague)
    section = f"/submissions/{submission_id}/sections/q1"
    me.goto(section)
    me.fill("#body", "Our points.")
    me.locator("#body").blur()
    expect(me.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    carlos.goto(section)
    axe.check(me, "editor")
    # Both editors are open on the same text; each adds a sentence before saving.
    me.fill("#body", f"Our points. {DRAFT_ONE}")
    carlos.fill("#body", f"{DRAFT_TWO} Our points.")
    me.locator("#body").blur()
    carlos.locator("#body").blur()
    expect(me.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    expect(carlos.locator("#save-status")).to_contain_text(re.compile("Saved|merged"))
    for tab in (me, carlos):
        tab.reload()
        body = tab.input_value("#body")
        assert DRAFT_ONE in body and DRAFT_TWO in body  # both people's words kept
    second.close()

    # --- quick exit from the editor: signed out, and Back shows no draft ---
    quick, q = _context(chromium, live_server)
    _sign_in(q, live_server, nadia)
    q.goto("/")
    q.goto(section)
    expect(q.locator("#body")).to_have_value(re.compile(DRAFT_ONE))
    q.click("#quick-exit")
    q.wait_for_url(f"{live_server}/healthz")
    # No cookie left that names the person (a save in flight may leave a form token).
    for cookie in quick.cookies():
        assert "_user_id" not in _cookie_contents(cookie["value"]), cookie
    q.go_back()
    q.wait_for_load_state()
    assert DRAFT_ONE not in q.content() and DRAFT_TWO not in q.content()
    quick.close()

    # --- invites a co-author, who accepts ---
    me.goto(f"/submissions/{submission_id}/coauthors")
    axe.check(me, "co-authors")
    me.locator("li", has_text="Partner Shelter Network").locator("button").click()
    partner, paula = _context(chromium, live_server)
    _sign_in(paula, live_server, world["partner_owner"])
    paula.goto("/notifications")
    expect(paula.locator("main")).to_contain_text("Partner Shelter Network")
    paula.locator("main form[action$='/read'] button").first.click()
    paula.wait_for_url(re.compile(r".*/coauthors/\d+$"))
    axe.check(paula, "co-author invitation")
    paula.click("button[name=decision][value=accept]")

    # --- sends it: the empty second section is named first, then sign-off ---
    me.goto(submission_url)
    me.click(f"form[action='/submissions/{submission_id}/submit'] button")
    expect(me.locator("#empty-sections")).to_be_visible()
    axe.check(me, "empty sections warning")
    me.click("#empty-sections button[type=submit]")
    paula.goto(submission_url)
    paula.click(f"form[action='/submissions/{submission_id}/sign-off'] button")
    expect(paula.locator("main .badge-state")).to_have_text("Submitted")

    # --- the facilitator finds it from the dashboard, accepts, compiles and publishes ---
    fiona.goto(f"/consultations/{slug}/dashboard")
    axe.check(fiona, "dashboard")
    fiona.click(f"main a[href='/submissions/{submission_id}']")
    fiona.click(f"form[action='/submissions/{submission_id}/accept'] button")
    fiona.goto(f"/consultations/{slug}/compilations")
    fiona.click(f"form[action='/consultations/{slug}/compilations'] button[type=submit]")
    fiona.wait_for_url(re.compile(r".*/compilations/jobs/.*"))
    fiona.goto(f"/consultations/{slug}/compilations")
    expect(fiona.locator("#version-1")).to_be_visible(timeout=30_000)
    fiona.click("#version-1 a[href$='/publish']")
    axe.check(fiona, "publish confirmation")
    expect(fiona.locator("input[name=close_drafting]")).not_to_be_checked()
    fiona.click("main form button[type=submit]")
    expect(fiona.locator("#version-1")).to_contain_text("published")
    # Drafting stays open: another organization can still start its submission.
    paula.goto(f"/consultations/{slug}")
    expect(paula.locator(f"form[action='/consultations/{slug}/submissions']")).to_have_count(1)
    partner.close()

    # --- the UN reviewer downloads the restricted edition ---
    reviewing, ravi = _context(chromium, live_server, accept_downloads=True)
    _sign_in(ravi, live_server, world["reviewer"], code=True)
    ravi.goto(f"/consultations/{slug}/compilations")
    axe.check(ravi, "compilations (reviewer)")
    with ravi.expect_download() as download:
        ravi.locator("#version-1 a[download]", has_text="PDF").last.click()
    assert download.value.suggested_filename.endswith("-restricted.pdf")
    reviewing.close()

    # --- the live board: register, post without the organization's name by default ---
    me.goto(f"/sessions/{session.id}/board")
    expect(me.locator(f"form[action='/sessions/{session.id}/register']")).to_be_visible()
    me.click(f"form[action='/sessions/{session.id}/register'] button[type=submit]")
    me.goto(f"/sessions/{session.id}/board")
    axe.check(me, "board")
    expect(me.locator("input[name=show_organization]")).not_to_be_checked()
    me.fill("#body", POINT)
    me.click(f"form[action='/sessions/{session.id}/contributions'] button[type=submit]")
    fiona.goto(f"/sessions/{session.id}/board")
    point = fiona.locator("article.contribution", has_text=POINT)
    point.locator("summary").click()
    point.locator("form[action$='/approve'] button").click()
    expect(me.locator("#board-live")).to_contain_text(POINT, timeout=10_000)
    expect(me.locator("#board-live")).not_to_contain_text("Newcomers Workers Union")

    # --- an anonymous report of reprisal, and the focal point's reply ---
    visitor, v = _context(chromium, live_server)
    v.goto("/safety/report")
    axe.check(v, "safety report")
    v.select_option("#consultation", slug)
    v.fill("#what_happened", REPORT)
    v.click("main form button[type=submit]")
    code = v.locator("main code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{24}", code)
    axe.check(v, "report received")
    focal_context, faith = _context(chromium, live_server)
    _sign_in(faith, live_server, world["focal"], code=True)
    faith.goto("/safety/inbox")
    axe.check(faith, "focal point inbox")
    faith.locator("main a[href*='/safety/reports/']").first.click()
    expect(faith.locator("main")).to_contain_text(REPORT)
    faith.fill("form[action$='/reply'] textarea", REPLY)
    faith.click("form[action$='/reply'] button[type=submit]")
    focal_context.close()
    v.goto("/safety/follow-up")
    v.fill("#code", code)
    v.click("main form button[type=submit]")
    expect(v.locator("main")).to_contain_text(REPLY)
    axe.check(v, "report follow-up")
    visitor.close()

    # --- the idle timeout hides the page and says so ---
    me.clock.install()
    me.goto(submission_url)
    me.clock.fast_forward("30:05")
    expect(me.locator("#signed-out")).to_contain_text("You were signed out after 30 minutes")
    expect(me.locator("#main")).to_be_hidden()
    axe.check(me, "signed out after idle")

    staff.close()
    newcomer.close()
    axe.assert_clean()


def _fits_the_screen(page, locale: str = "ar") -> None:
    """Right to left in the asked language, and nothing wider than a 360 px phone."""
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == locale
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


@pytest.mark.parametrize("locale", ["ar", "ur"])
def test_the_journey_on_a_phone_in_arabic(chromium, live_server, world, locale):
    """Arabic, and Urdu (also right to left, in its own catalog), on a small phone."""
    axe = Axe()
    consultation, session = world["consultation"], world["session"]
    slug = consultation.slug
    phone = {"viewport": {"width": 360, "height": 800}, "locale": locale, "is_mobile": True}

    # A newcomer signs up on a phone, in Arabic: one page, never a page inside a page.
    context = chromium.new_context(base_url=live_server, **phone)
    me = context.new_page()
    me.set_default_timeout(10_000)
    for url in ("/", "/sign-up"):
        me.goto(url)
        assert me.locator("html").get_attribute("dir") == "rtl"
        assert me.locator("html").get_attribute("lang") == locale
        _fits_the_screen(me, locale)
        axe.check(me, f"{locale} {url}")
    me.fill("#display_name", "نادية")
    me.fill("#username", f"nadia_{locale}")
    me.fill("#password", PASSWORD)
    me.fill("#password_confirm", PASSWORD)
    me.click("form#sign-up-form button[type=submit]")
    expect(me.locator("#recovery-codes li")).to_have_count(10)
    assert me.locator("header.site-header").count() == 1
    _fits_the_screen(me, locale)
    axe.check(me, f"{locale} recovery codes")

    # Then writes with the organization's other member (the organization comes ready).
    nadia = db.session.scalar(db.select(type(world["focal"])).filter_by(username=f"nadia_{locale}"))
    org = make_org(nadia, name="Sawt al-Ummal")
    join_consultation(consultation, org)
    from tests.factories import make_submission, register_for

    submission = make_submission(consultation, org, texts={"q1": "Passports are kept."})
    register_for(session, nadia, org)
    pages = [
        "/consultations",
        f"/consultations/{slug}",
        f"/submissions/{submission.id}",
        f"/submissions/{submission.id}/sections/q1",
        f"/sessions/{session.id}/board",
        "/organizations/new",
    ]
    for url in pages:
        me.goto(url)
        _fits_the_screen(me, locale)
        axe.check(me, f"{locale} {url}")
    me.goto(f"/submissions/{submission.id}/sections/q1")
    me.fill("#body", "Passports are kept. جوازات السفر محتجزة.")
    me.locator("#body").blur()
    expect(me.locator("#save-status")).not_to_be_empty(timeout=10_000)
    me.goto(f"/submissions/{submission.id}")
    me.click(f"form[action='/submissions/{submission.id}/submit'] button")
    expect(me.locator("#empty-sections")).to_be_visible()
    _fits_the_screen(me, locale)
    axe.check(me, f"{locale} empty sections")
    me.goto(f"/sessions/{session.id}/board")
    expect(me.locator("input[name=show_organization]")).not_to_be_checked()

    # An anonymous report, from a phone.
    visitor = chromium.new_context(base_url=live_server, **phone)
    v = visitor.new_page()
    v.set_default_timeout(10_000)
    v.goto("/safety/report")
    _fits_the_screen(v, locale)
    axe.check(v, f"{locale} safety report")
    v.fill("#what_happened", "هددني الوسيط بعد الاجتماع.")
    v.click("main form button[type=submit]")
    expect(v.locator("main code").first).to_have_text(re.compile(r"[A-Z0-9-]{24}"))
    _fits_the_screen(v, locale)
    axe.check(v, f"{locale} report received")
    visitor.close()
    context.close()
    axe.assert_clean()


def test_quick_exit_without_javascript_signs_out_too(chromium, live_server):
    from tests.factories import make_submission

    owner = make_user(username="nojs")
    submission = make_submission(org=make_org(owner), texts={"q1": DRAFT_ONE})
    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/sign-in")
    page.fill("#identifier", "nojs")
    page.fill("#password", PASSWORD)
    page.click("form#sign-in-form button[type=submit]")
    page.goto(f"/submissions/{submission.id}/sections/q1")
    assert DRAFT_ONE in page.content()
    page.click("#quick-exit")
    page.wait_for_url(f"{live_server}/healthz")
    for cookie in context.cookies():
        assert "_user_id" not in _cookie_contents(cookie["value"]), cookie
    page.go_back()
    page.wait_for_load_state()
    assert DRAFT_ONE not in page.content()
    assert "/sign-in" in page.url  # the editor asks to sign in again
    context.close()
