"""Malformed input is a 404 or a form error, never a server error (see app/inputs.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.inputs import MAX_ID, id_from
from app.organizations.models import Organization
from tests.factories import make_consultation, make_org, make_submission, make_user

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "raw",
    ["0", "-1", "2147483648", HUGE, "9" * 5000, "1e3", "0x10", "\u00b2", "\u0661", "", None],
)
def test_id_from_refuses_what_is_not_an_id_a_database_can_hold(raw):
    assert id_from(raw) is None


def test_id_from_reads_ids_up_to_the_largest():
    assert id_from(" 42 ") == 42
    assert id_from(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("page", [HUGE, "9223372036854775808", "2147483648", "0", "-3"])
def test_page_numbers_out_of_range_are_404(signed_in_client, page):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    client = signed_in_client(facilitator)
    for path in (
        f"/consultations/{consultation.slug}/dashboard",
        f"/consultations/{consultation.slug}/organizations",
        "/consultations",
        "/organizations",
        "/organizations/verification",
    ):
        assert client.get(f"{path}?page={page}").status_code == 404, path
        assert client.get(f"{path}?page=1").status_code == 200, path


@pytest.mark.parametrize("number", [str(10**20), str(MAX_ID + 1), "9" * 5000])
def test_ids_in_urls_too_large_for_the_database_are_404(signed_in_client, number):
    submission = make_submission(texts={"q1": "Text."})
    owner = submission.lead_organization.memberships[0].user
    client = signed_in_client(owner)
    assert client.get(f"/submissions/{number}/sections/q1").status_code == 404
    saved = client.post(f"/submissions/{number}/sections/q1", data={"body": "x"})
    assert saved.status_code == 404
    assert client.get(f"/organizations/{number}").status_code == 404


def test_a_nul_character_in_a_url_part_is_404(signed_in_client):
    submission = make_submission(texts={"q1": "Text."})
    client = signed_in_client(submission.lead_organization.memberships[0].user)
    assert client.get(f"/submissions/{submission.id}/sections/q1%00").status_code == 404
    posted = client.post(f"/submissions/{submission.id}/sections/%00", data={"body": "x"})
    assert posted.status_code == 404
    assert client.get("/consultations/a%00b").status_code == 404


def test_nul_characters_are_left_out_of_every_form_field(client, db):
    response = client.post(
        "/sign-up",
        data={
            "display_name": "Ma\x00ria",
            "username": "maria\x00",
            "password": "a long enough pass\x00phrase here",
            "password_confirm": "a long enough pass\x00phrase here",
        },
    )
    assert response.status_code == 200  # signed up: the recovery codes are shown
    user = db.session.scalar(select(User))
    assert (user.display_name, user.username) == ("Maria", "maria")


def test_organization_ids_in_forms_too_large_for_the_database_are_refused(signed_in_client, db):
    owner = make_user()
    make_org(owner)
    consultation = make_consultation()
    client = signed_in_client(owner)
    for number in (HUGE, str(MAX_ID + 1)):
        response = client.post(
            f"/consultations/{consultation.slug}/join", data={"organization_id": number}
        )
        assert response.status_code in (303, 400, 404)
    assert db.session.scalar(select(Organization.id).where(Organization.id > MAX_ID)) is None


def test_a_choice_that_is_not_offered_is_a_form_error(signed_in_client):
    response = signed_in_client(make_user()).post(
        "/organizations/new",
        data={"name": "Org", "kind": "migrant-led", "countries": ["XX", "YY"], "languages": "en"},
    )
    assert response.status_code == 422
    assert "are not valid choices" in response.get_data(as_text=True)


def test_a_long_new_password_is_accepted_not_an_error(client, db):
    words = "correct horse battery staple "
    response = client.post(
        "/sign-up",
        data={
            "display_name": "Long Password",
            "username": "longpassword",
            "password": (words * 5).strip(),  # 144 characters: zxcvbn alone refuses over 72
            "password_confirm": (words * 5).strip(),
        },
    )
    assert response.status_code == 200
    assert db.session.scalar(select(User.username)) == "longpassword"


def test_a_digit_int_cannot_read_as_organization_is_refused_when_starting(signed_in_client):
    owner = make_user()
    make_org(owner)
    consultation = make_consultation()
    response = signed_in_client(owner).post(
        f"/consultations/{consultation.slug}/submissions", data={"organization_id": "\u00b2"}
    )
    assert response.status_code in (400, 404)
