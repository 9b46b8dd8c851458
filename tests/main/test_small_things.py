"""Small things people notice (issue "The whole journey", defect 11), checked in the HTML and
CSS the browser gets."""

import re

import pyotp
from flask_babel import force_locale

from app.consultations.services import unique_slug
from app.web import file_size
from tests.factories import PASSWORD, make_org, make_submission, make_user

CSS = "/static/css/app.css"


def _css(client) -> str:
    response = client.get(CSS)
    text = response.get_data(as_text=True)
    response.close()
    return text


def test_required_asterisk_is_glued_to_the_last_word_of_its_label(client):
    page = client.get("/sign-up").get_data(as_text=True)
    mark = r'<span class="required-mark" aria-hidden="true">&nbsp;\*</span>'
    assert re.search(rf'<label for="username">[^<]+{mark}</label>', page)


def test_tap_targets_are_at_least_24_pixels(client, signed_in_client):
    css = _css(client)
    assert re.search(r"\.main-nav a, \.main-nav button\.link \{[^}]*min-height: 24px", css)
    assert re.search(r"input\[type=checkbox\], input\[type=radio\] \{[^}]*min-height: 24px", css)
    assert re.search(r"\.target \{[^}]*min-height: 24px", css)


def test_hidden_buttons_stay_hidden_without_javascript(client):
    """The Copy buttons carry `hidden` until app.js shows them; `button { display: ... }`
    used to override it, so "Copy" showed and did nothing without JavaScript."""
    assert "[hidden] { display: none !important; }" in _css(client)


def test_after_the_second_factor_the_address_is_the_next_page(client, db):
    user = make_user(two_factor=True)
    client.post("/sign-in", data={"identifier": user.username, "password": PASSWORD})
    form = client.get("/sign-in/code").get_data(as_text=True)
    assert 'id="second-factor-form"' in form
    assert "hx-post" not in form.split('id="second-factor-form"')[0].rsplit("<form", 1)[1]
    code = pyotp.TOTP(user.totp_secret).now()
    response = client.post("/sign-in/code", data={"code": code})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_countries_are_grouped_checkboxes_with_a_filter_for_javascript(signed_in_client):
    client = signed_in_client(make_user())
    page = client.get("/organizations/new").get_data(as_text=True)
    assert 'name="countries" multiple' not in page and "<select" not in page.split("countries")[1]
    assert page.count('type="checkbox" name="countries"') > 200
    assert re.search(r"<legend[^>]*>Asia</legend>", page)
    assert re.search(r'<div class="field filter-box" hidden><label for="countries-filter">', page)
    # What was ticked comes back after an error elsewhere in the form.
    refused = client.post(
        "/organizations/new",
        data={"name": "", "kind": "migrant-led", "countries": ["PH", "NP"], "languages": ["en"]},
    )
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'value="PH" checked id="countries-PH"' in body
    assert 'value="NP" checked id="countries-NP"' in body
    assert 'value="FR" id="countries-FR"' in body


def test_slugs_are_cut_between_words(app):
    title = "Asia-Pacific regional review: fair recruitment and decent work for everyone"
    with app.app_context():
        slug = unique_slug(title)
    assert slug == "asia-pacific-regional-review-fair-recruitment-and-decent"


def test_sizes_in_binary_units_read_10_mb_for_10_mib(app, signed_in_client):
    with app.test_request_context("/"):
        assert file_size(10 * 1024 * 1024) == "10 MB"
        assert file_size(1536) == "1.5 kB"
        with force_locale("ar"):
            assert file_size(10 * 1024 * 1024) == "10 م.ب"
    owner = make_user()
    submission = make_submission(org=make_org(owner), author=owner)
    page = signed_in_client(owner).get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "up to 10 MB." in page


def test_kept_option_markup_stays_bounded():
    """Long option lists are kept per key, but never more than `keep` of them (lists built
    from data would otherwise add an entry per variant for ever); the latest used stay."""
    from app.forms import _KeptMarkup

    kept, made = _KeptMarkup(keep=3), []
    for n in range(5):
        kept.get_or_make((n,), lambda n=n: made.append(n) or f"markup {n}")
    assert kept.get_or_make((4,), lambda: "again") == "markup 4"
    assert len(kept._items) == 3 and made == [0, 1, 2, 3, 4]
    assert kept.get_or_make((0,), lambda: "made again") == "made again"
