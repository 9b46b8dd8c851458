"""Every string is in every catalog; Arabic is right to left; the locale is chosen well."""

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.catalogs import LOCALES, problems, template
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """Extract the strings from the code as it is now, not from a file someone forgot."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    return template(out)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_translates_every_string_with_the_same_placeholders(fresh_template, locale):
    assert len(fresh_template) > 100
    assert problems(locale, fresh_template) == []


def test_arabic_pages_are_right_to_left(client):
    body = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in body
    assert "Your voice in the reviews" not in body


@pytest.mark.parametrize("locale", ["id", "fil", "ne"])
def test_other_languages_are_left_to_right_and_translated(client, locale):
    body = client.get("/sign-in", headers={"Accept-Language": locale}).get_data(as_text=True)
    assert f'<html lang="{locale}" dir="ltr"' in body
    assert "Forgot your password?" not in body


def test_switcher_beats_browser_and_account_beats_both(client, signed_in_client):
    client.post("/language", data={"locale": "ne", "next": "/"})
    body = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="ne"' in body
    member = signed_in_client(make_user(locale="fil"))
    body = member.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="fil"' in body


def test_unknown_language_choice_is_ignored(client):
    response = client.post("/language", data={"locale": "xx", "next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_dates_follow_language_and_time_zone(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale

    from app.i18n import in_zone

    moment = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        english = in_zone(moment, "Asia/Kathmandu")
        with force_locale("ar"):
            arabic = in_zone(moment, "Asia/Kathmandu")
    assert english.endswith("10:15 PM (Kathmandu)")
    assert arabic.endswith("10:15 م (كاتماندو)")
    assert arabic != english


def test_a_closed_report_and_a_closed_consultation_are_said_each_in_their_own_words(app):
    """Words with a context ("safety report status") get their own translation: in Arabic a
    report (masculine) is closed differently from a consultation (feminine)."""
    from app.consultations.models import STATE_LABELS, ConsultationState
    from app.safeguarding.models import STATUS_LABELS

    # A fresh app context each time, as each request has: Flask-Babel keeps the catalog there.
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "ar"}):
        report, consultation = (
            str(STATUS_LABELS["closed"]),
            str(STATE_LABELS[ConsultationState.CLOSED]),
        )
    assert (report, consultation) == ("مغلق", "مغلقة")
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "id"}):
        assert str(STATUS_LABELS["received"]) == "Sudah masuk"  # not "Diterima" (accepted)
