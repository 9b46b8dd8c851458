"""The languages of Asia and the Pacific: own names in the menu, Urdu right to left, a choice
that stays on its device, and pages with no English left in the chrome."""

import re

import pytest

from app.config import Config
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_session,
    make_submission,
    make_user,
    register_for,
    sign_in,
)

OWN_NAMES = {
    "bn": "বাংলা",
    "hi": "हिन्दी",
    "ur": "اردو",
    "si": "සිංහල",
    "ta": "தமிழ்",
    "my": "မြန်မာ",
    "km": "ខ្មែរ",
    "vi": "Tiếng Việt",
    "th": "ไทย",
    "zh_Hans": "简体中文",
}
# Every interface language but English; the catalogs of all of them are complete.
ENABLED = ["id", "fil", "ne", "ar", *OWN_NAMES]
# Common words of the interface chrome: none may be left in English in another language.
ENGLISH_WORDS = [
    "Sign in",
    "Sign up",
    "Sign out",
    "Consultations",
    "Submit",
    "Language",
    "Quick exit",
    "Skip to content",
    "Password",
    "Deadline",
    "What we keep about you",
]
# Words a language has borrowed from English and writes the English way (Filipino).
LOANWORDS = {"fil": {"Password", "Deadline"}}


def _html_lang(body: str) -> str:
    """The page's language as its <html> element says (the menu also has lang="...")."""
    return re.search(r'<html lang="([^"]+)"', body).group(1)


def _visible_text(html: str) -> str:
    """The page's words as a reader sees them: no tags, scripts, attributes or user content
    (blocks marked data-user-content are what people wrote, in any language)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<(\w+)[^>]*data-user-content[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_language_menu_shows_each_language_in_its_own_name_and_script(client):
    body = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    menu = body[body.index('id="language-select"') :]
    menu = menu[: menu.index("</select>")]
    for code, name in OWN_NAMES.items():
        tag = code.replace("_", "-")
        assert f'<option value="{code}" lang="{tag}"' in menu
        assert f">{name}</option>" in menu
    # The menu is a plain form: it works without JavaScript.
    assert 'action="/language"' in body and '<button type="submit"' in body[body.index(menu) :]


def test_urdu_pages_are_right_to_left(client):
    body = client.get("/", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in body
    assert "Your voice in the reviews" not in body
    client.post("/language", data={"locale": "ur", "next": "/sign-in"})
    body = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in body


def test_simplified_chinese_is_chosen_from_the_browser_and_tagged_for_html(client):
    body = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans" dir="ltr"' in body


def test_choosing_a_language_on_one_device_leaves_another_open_session_alone(app, client):
    user = make_user(locale="en")
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, user)
    sign_in(laptop, user)
    assert _html_lang(laptop.get("/").get_data(as_text=True)) == "en"
    phone.post("/language", data={"locale": "ne", "next": "/"})
    assert _html_lang(phone.get("/").get_data(as_text=True)) == "ne"
    # The laptop's open session keeps its language...
    laptop_page = laptop.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert _html_lang(laptop_page) == "en"
    # ...and the account remembers the choice as the start of the next sign-in.
    from app.auth.sessions import start_session
    from app.extensions import db

    db.session.refresh(user)
    assert user.locale == "ne"
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = "ar"  # the last visitor's choice on a shared computer
        start_session(user)
        assert session["locale"] == "ne"


def test_dates_and_numbers_come_out_in_each_language(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale, format_decimal

    from app.i18n import in_zone

    moment = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    seen = set()
    with app.test_request_context("/"):
        for code in ["en", *ENABLED]:
            with force_locale(code):
                seen.add(in_zone(moment, "Asia/Dhaka", "long") + format_decimal(1234567.5))
    assert len(seen) == len(ENABLED) + 1
    with app.test_request_context("/"), force_locale("th"):
        assert in_zone(moment, "Asia/Bangkok").endswith("(กรุงเทพ)")  # the city, in Thai


def test_every_language_is_offered():
    assert ["en", *ENABLED] == Config.LANGUAGES


def test_compiled_document_labels_in_every_language_use_plain_codes_and_directions(app):
    from flask_babel import force_locale

    from app.compilations.labels import document_labels
    from app.i18n import content_language, text_direction

    english = None
    with app.test_request_context("/"):
        with force_locale("en"):
            english = document_labels("public")["contents"]
        for code in ENABLED:
            with force_locale(code):
                assert document_labels("public")["contents"] != english, code
            assert re.fullmatch(r"[a-z]{2,3}", content_language(code).split("_")[0])
        assert text_direction("ur") == "rtl" and text_direction("zh_Hans") == "ltr"


@pytest.fixture
def consultation(app):
    return make_consultation(title="Remittances in Dhaka", state="open")


@pytest.mark.parametrize("locale", ENABLED)
def test_journey_pages_show_no_english_chrome(app, consultation, locale):
    visitor = app.test_client()
    visitor.post("/language", data={"locale": locale, "next": "/"})
    person = make_user()
    org = make_org(person, name="Remittances in Dhaka Group")
    join_consultation(consultation, org)
    submission = make_submission(consultation, org, texts={"q1": "Remittances in Dhaka"})
    session = make_session(consultation, title="Remittances in Dhaka")
    register_for(session, person, org)
    member = app.test_client()
    sign_in(member, person)
    member.post("/language", data={"locale": locale, "next": "/"})
    # The pages the browser journey walks through, as a visitor and as a member writing.
    pages = [
        (visitor, "/"),
        (visitor, "/sign-in"),
        (visitor, "/sign-up"),
        (visitor, "/consultations"),
        (visitor, f"/consultations/{consultation.slug}"),
        (visitor, "/organizations"),
        (visitor, "/safety/report"),
        (visitor, "/read"),
        (member, "/"),
        (member, "/consultations"),
        (member, f"/consultations/{consultation.slug}"),
        (member, "/account"),
        (member, "/organizations/new"),
        (member, f"/organizations/{org.id}"),
        (member, f"/submissions/{submission.id}"),
        (member, f"/submissions/{submission.id}/sections/q1"),
        (member, f"/sessions/{session.id}"),
        (member, f"/sessions/{session.id}/board"),
        (member, "/notifications"),
    ]
    for who, path in pages:
        response = who.get(path)
        assert response.status_code == 200, path
        text = _visible_text(response.get_data(as_text=True))
        text = text.replace("Remittances in Dhaka", "")  # user content (names, titles, texts)
        left = [
            word
            for word in ENGLISH_WORDS
            if word not in LOANWORDS.get(locale, ()) and re.search(rf"\b{word}\b", text)
        ]
        assert left == [], (locale, path, left)


def test_template_questions_are_translated_from_the_catalogs_but_hand_written_ones_not(app):
    from app.consultations import services
    from app.extensions import db

    consultation = make_consultation(questions=1, languages=("en", "th"))
    services.apply_template(consultation, "cluster-1")
    added = services.translate_template_questions(consultation, "th")
    db.session.commit()
    hand_written, *template = consultation.questions
    assert added == len(template) > 0
    assert "th" not in hand_written.texts  # a person must translate what a person wrote
    assert template[0].texts["th"]["text"].startswith("วัตถุประสงค์ที่")
    assert services.template_question(6, "zh")[0].startswith("目标 6")  # "zh" -> zh_Hans


def test_demo_consultation_reads_in_the_reader_language(app, client):
    from app.consultations.models import Consultation
    from app.extensions import db

    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    consultation = db.session.scalar(db.select(Consultation).order_by(Consultation.id))
    for locale, title in [
        ("th", "การทบทวนระดับภูมิภาค"),
        ("zh_Hans", "亚太区域审议"),
        ("ur", "ایشیا"),
    ]:
        client.post("/language", data={"locale": locale, "next": "/"})
        body = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
        assert title in body, locale
    question = consultation.questions[0]
    assert {"bn", "ur", "vi", "th", "zh", "my"} <= set(question.texts)
