"""People outside a submission's organizations see its credit line, and nothing more.

(Safety proof, hole 1: the owner of an unrelated organization could read who wrote an
anonymous submission, with a link to the organization and the authors of each revision.)
"""

import pytest

from app.consultations.models import ConsultationStaff
from app.extensions import db
from app.submissions.models import Comment
from tests.factories import make_consultation, make_org, make_submission, make_user

SECRETS = ("Hidden Lead Collective", "Writer Canary Person", "Commenter Canary Person")


@pytest.fixture
def anonymous_accepted():
    writer = make_user(display_name="Writer Canary Person")
    commenter = make_user(display_name="Commenter Canary Person")
    lead = make_org(
        writer, name="Hidden Lead Collective", kind="trade-union", members={commenter: "editor"}
    )
    reviewer = make_user(role="un-reviewer")
    consultation = make_consultation()
    consultation.staff.append(ConsultationStaff(user_id=reviewer.id, role="un-reviewer"))
    submission = make_submission(
        consultation, lead, texts={"q1": "Wages are stolen at the border."}, state="accepted"
    )
    submission.attribution = "anonymous"
    section = submission.section("q1")
    db.session.add(
        Comment(section_id=section.id, author_id=commenter.id, body="Add a source.", quote=None)
    )
    db.session.commit()
    return submission, lead, reviewer


def _outsider():
    owner = make_user()
    make_org(owner, name="Unrelated Verified Group")
    return owner


def test_an_unrelated_owner_reads_the_text_with_the_public_credit_line_only(
    signed_in_client, anonymous_accepted
):
    submission, lead, _reviewer = anonymous_accepted
    client = signed_in_client(_outsider())
    page = client.get(f"/submissions/{submission.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Wages are stolen at the border." in body
    assert "a trade union" in body
    for secret in SECRETS:
        assert secret not in body
    assert f"/organizations/{lead.id}" not in body
    assert "/history" not in body and "/attachments/" not in body
    assert "Sign on" in body  # the reason they may read it


@pytest.mark.parametrize(
    "path",
    [
        "/sections/q1",
        "/sections/q1/history",
        "/sections/q1/presence",
    ],
)
def test_an_unrelated_owner_gets_nothing_beyond_the_text(
    signed_in_client, anonymous_accepted, path
):
    submission, _lead, _reviewer = anonymous_accepted
    client = signed_in_client(_outsider())
    response = client.get(f"/submissions/{submission.id}{path}")
    assert response.status_code == 404
    for secret in SECRETS:
        assert secret not in response.get_data(as_text=True)


def test_un_reviewers_read_the_restricted_credit_line_without_names(
    signed_in_client, anonymous_accepted
):
    submission, _lead, reviewer = anonymous_accepted
    client = signed_in_client(reviewer)
    body = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Wages are stolen at the border." in body
    assert "restricted edition" in body
    for secret in SECRETS:
        assert secret not in body
    listing = client.get(f"/consultations/{submission.consultation.slug}/submissions")
    assert listing.status_code == 200
    for secret in SECRETS:
        assert secret not in listing.get_data(as_text=True)
    history = client.get(f"/submissions/{submission.id}/sections/q1/history")
    assert history.status_code == 404


def test_the_writers_still_see_the_whole_submission(signed_in_client, anonymous_accepted):
    submission, lead, _reviewer = anonymous_accepted
    client = signed_in_client(lead.owners()[0].user)
    body = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Hidden Lead Collective" in body
    history = client.get(f"/submissions/{submission.id}/sections/q1/history")
    assert "Writer Canary Person" in history.get_data(as_text=True)


def test_visitors_get_the_same_answer_for_a_submission_as_for_no_submission(
    client, anonymous_accepted
):
    """Hole 10: a visitor got 500 on an existing submission, which told that it exists.
    Now both go to sign in (issue 14: never "not found" for a signed-out person)."""
    submission, _lead, _reviewer = anonymous_accepted
    existing = client.get(f"/submissions/{submission.id}")
    missing = client.get(f"/submissions/{submission.id + 1000}")
    assert existing.status_code == missing.status_code == 302

    def page(response, path):  # the same answer but for the address itself
        return response.headers["Location"].replace(path, "PATH")

    other = submission.id + 1000
    assert page(existing, f"/submissions/{submission.id}") == page(missing, f"/submissions/{other}")
    assert existing.headers["Location"].startswith("/sign-in?next=")


def test_a_confidential_accepted_submission_is_not_readable_by_other_owners(
    signed_in_client, anonymous_accepted
):
    submission, _lead, _reviewer = anonymous_accepted
    submission.attribution = "confidential"
    db.session.commit()
    assert signed_in_client(_outsider()).get(f"/submissions/{submission.id}").status_code == 404


def test_signing_on_works_from_the_credited_page(signed_in_client, anonymous_accepted):
    submission, _lead, _reviewer = anonymous_accepted
    owner = make_user()
    endorser = make_org(owner, name="Signing Group")
    client = signed_in_client(owner)
    response = client.post(
        f"/submissions/{submission.id}/endorsements",
        data={"organization_id": endorser.id, "attribution": "named"},
    )
    assert response.status_code == 303
    db.session.refresh(submission)
    assert [e.organization_id for e in submission.endorsements] == [endorser.id]
    body = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "Signing Group" in body and "Hidden Lead Collective" not in body


def test_the_sign_on_page_lists_accepted_texts_as_the_public_edition_credits_them(
    signed_in_client, client, anonymous_accepted
):
    submission, _lead, _reviewer = anonymous_accepted
    consultation = submission.consultation
    draft = make_submission(consultation, make_org(name="Drafting Group"), texts={"q1": "Draft."})
    secret = make_submission(
        consultation, make_org(name="Secret Group"), texts={"q1": "Secret."}, state="accepted"
    )
    secret.attribution = "confidential"
    db.session.commit()
    page = signed_in_client(_outsider()).get(f"/consultations/{consultation.slug}/sign-on")
    body = page.get_data(as_text=True)
    assert "Submission by a trade union" in body
    assert f"/submissions/{submission.id}#endorse-title" in body
    for hidden in (
        *SECRETS,
        "Secret Group",
        "Secret.",
        "Drafting Group",
        f"/submissions/{draft.id}",
    ):
        assert hidden not in body
    visitor = client.get(f"/consultations/{consultation.slug}/sign-on").get_data(as_text=True)
    assert "Sign in as the owner of a verified organization" in visitor
    assert "a trade union" not in visitor
