from sqlalchemy import select

from app.submissions.models import Coauthor
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_submission,
    make_user,
)


def test_invited_owner_sees_text_and_attribution_then_accepts(signed_in_client, db):
    lead_owner, co_owner, co_editor = make_user(), make_user(), make_user()
    consultation = make_consultation()
    lead = make_org(lead_owner, name="Lead Group")
    partner = make_org(co_owner, name="Partner Union", members={co_editor: "editor"})
    join_consultation(consultation, partner)
    submission = make_submission(consultation, lead, texts={"q1": "Shared draft text."})
    page = signed_in_client(lead_owner).get(f"/submissions/{submission.id}/coauthors")
    assert "Partner Union" in page.get_data(as_text=True)
    signed_in_client(lead_owner).post(
        f"/submissions/{submission.id}/coauthors", data={"organization_id": partner.id}
    )
    coauthor = db.session.scalar(select(Coauthor))
    # Before accepting, the editor of the invited organization cannot edit.
    editor_client = signed_in_client(co_editor)
    assert (
        editor_client.post(
            f"/submissions/{submission.id}/sections/q1", data={"body": "x", "base_revision": ""}
        ).status_code
        == 404
    )
    invitation = (
        signed_in_client(co_owner)
        .get(f"/submissions/{submission.id}/coauthors/{coauthor.id}")
        .get_data(as_text=True)
    )
    assert "Shared draft text." in invitation and "Lead Group" in invitation
    signed_in_client(co_owner).post(
        f"/submissions/{submission.id}/coauthors/{coauthor.id}",
        data={"decision": "accept", "attribution": "anonymous"},
    )
    db.session.refresh(coauthor)
    assert (coauthor.state, coauthor.attribution) == ("accepted", "anonymous")
    page = editor_client.get(f"/submissions/{submission.id}/sections/q1")
    assert page.status_code == 200 and "data-autosave" in page.get_data(as_text=True)


def test_strictest_attribution_wins_and_the_preview_says_exactly(signed_in_client, db):
    lead_owner, co_owner = make_user(), make_user()
    lead = make_org(lead_owner, name="Lead Group", kind="migrant-led", countries=["PH"])
    partner = make_org(co_owner, name="Partner Union", kind="trade-union", countries=["NP"])
    submission = make_submission(org=lead, texts={"q1": "T."}, coauthors=[partner])
    coauthor = submission.coauthors[0]
    client = signed_in_client(lead_owner)

    def preview():
        body = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
        return body.split("How the compiled input will credit this submission")[1].split("</dl>")[0]

    assert "Lead Group and Partner Union" in preview()
    coauthor.attribution = "anonymous"
    db.session.commit()
    text = preview()
    assert "Lead Group" not in text and "Partner Union" not in text
    # Only two organizations are credited without their name: no area is named.
    assert "a migrant-led association and a trade union" in text
    assert "Asia" not in text
    coauthor.attribution = "confidential"
    db.session.commit()
    text = preview()
    assert "Not included: the submission is confidential." in text
    assert "Lead Group" not in text


def test_declined_invitation_gives_no_access(signed_in_client, db):
    lead_owner, co_owner = make_user(), make_user()
    partner = make_org(co_owner)
    submission = make_submission(org=make_org(lead_owner), texts={"q1": "T."})
    submission.coauthors.append(Coauthor(organization_id=partner.id))
    db.session.commit()
    coauthor = submission.coauthors[0]
    signed_in_client(co_owner).post(
        f"/submissions/{submission.id}/coauthors/{coauthor.id}",
        data={"decision": "decline", "attribution": "named"},
    )
    db.session.refresh(coauthor)
    assert coauthor.state == "declined"
    assert signed_in_client(co_owner).get(f"/submissions/{submission.id}").status_code == 404


def test_coauthor_can_leave_before_submission(signed_in_client, db):
    lead_owner, co_owner = make_user(), make_user()
    partner = make_org(co_owner)
    submission = make_submission(org=make_org(lead_owner), texts={"q1": "T."}, coauthors=[partner])
    coauthor = submission.coauthors[0]
    signed_in_client(co_owner).post(f"/submissions/{submission.id}/coauthors/{coauthor.id}/leave")
    db.session.refresh(coauthor)
    assert coauthor.state == "left"
    assert partner.id not in submission.organization_ids()


def test_an_unlisted_organization_is_invited_by_link(signed_in_client, db):
    lead_owner, hidden_owner = make_user(), make_user()
    hidden = make_org(hidden_owner, listed=False, name="Quiet Circle")
    submission = make_submission(org=make_org(lead_owner), texts={"q1": "T."})
    page = signed_in_client(lead_owner).get(f"/submissions/{submission.id}/coauthors")
    assert "Quiet Circle" not in page.get_data(as_text=True)
    body = (
        signed_in_client(lead_owner)
        .post(f"/submissions/{submission.id}/coauthors", data={"make_link": "1"})
        .get_data(as_text=True)
    )
    link = body.split('id="coauthor-link" type="text" readonly value="')[1].split('"')[0]
    path = link.replace("http://localhost", "")
    response = signed_in_client(hidden_owner).post(path, data={"organization_id": hidden.id})
    assert response.status_code == 303
    coauthor = db.session.scalar(select(Coauthor))
    assert coauthor.organization_id == hidden.id and coauthor.state == "invited"
    assert (
        signed_in_client(hidden_owner).post(path, data={"organization_id": hidden.id}).status_code
        == 404
    )


def _anonymous_accepted(consultation, country: str, kind: str = "ngo"):
    org = make_org(kind=kind, countries=[country])
    submission = make_submission(consultation, org, texts={"q1": "T."}, state="accepted")
    submission.attribution = "anonymous"
    return submission


def _public_credit(client, submission) -> str:
    body = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    return body.split("<dt>Public edition</dt>")[1].split("</dd>")[0]


def test_an_area_is_named_only_when_three_unnamed_organizations_share_it(signed_in_client, db):
    owner = make_user()
    consultation = make_consultation()
    lead = make_org(owner, kind="trade-union", countries=["PH"])
    submission = make_submission(consultation, lead, texts={"q1": "T."}, state="accepted")
    submission.attribution = "anonymous"
    _anonymous_accepted(consultation, "NP")  # Southern Asia: shares only the continent
    db.session.commit()
    client = signed_in_client(owner)
    assert _public_credit(client, submission).strip().endswith("a trade union")
    _anonymous_accepted(consultation, "IN")  # a third in Asia
    db.session.commit()
    assert "a trade union in Asia" in _public_credit(client, submission)
    _anonymous_accepted(consultation, "VN")
    _anonymous_accepted(consultation, "TH")  # now three in South-eastern Asia
    db.session.commit()
    assert "a trade union in Southeast Asia" in _public_credit(client, submission)


def test_a_link_used_for_an_organization_already_writing_says_so(signed_in_client, db):
    from app.submissions.services import create_coauthor_link
    from app.timeutil import utcnow

    lead_owner = make_user()
    lead = make_org(lead_owner, name="Lead Voices")
    submission = make_submission(org=lead, texts={"q1": "T."})
    token = create_coauthor_link(lead_owner, submission, utcnow())
    db.session.commit()
    client = signed_in_client(lead_owner)
    path = f"/coauthor-invitations/{token}"
    response = client.post(path, data={"organization_id": lead.id})
    assert response.status_code == 303 and response.headers["Location"] == path
    assert "Lead Voices is already part of this submission." in client.get(path).get_data(
        as_text=True
    )
    assert db.session.scalar(select(Coauthor)) is None
