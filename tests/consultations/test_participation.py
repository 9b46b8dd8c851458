from datetime import timedelta

from sqlalchemy import select

from app.consultations.models import ConsultationInvitationLink
from app.notifications.models import Notification
from app.timeutil import utcnow
from tests.factories import join_consultation, make_consultation, make_org, make_user


def _join(client, consultation, org):
    return client.post(f"/consultations/{consultation.slug}/join", data={"organization_id": org.id})


def test_owner_joins_an_open_consultation(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    consultation = make_consultation()
    client = signed_in_client(owner)
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert f"Join with <bdi>{org.name}</bdi>" in page
    assert _join(client, consultation, org).status_code == 303
    db.session.refresh(consultation)
    assert consultation.participation_of(org).joined
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert f"<bdi>{org.name}</bdi> takes part." in page


def test_editors_cannot_join_for_their_organization(signed_in_client, db):
    editor = make_user()
    org = make_org(members={editor: "editor"})
    consultation = make_consultation()
    _join(signed_in_client(editor), consultation, org)
    db.session.refresh(consultation)
    assert consultation.participation_of(org) is None


def test_closed_consultation_takes_no_one(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    consultation = make_consultation(state="closed")
    _join(signed_in_client(owner), consultation, org)
    db.session.refresh(consultation)
    assert consultation.participation_of(org) is None


def test_invitation_only_needs_an_invitation(signed_in_client, db):
    owner, facilitator = make_user(), make_user(role="facilitator")
    org = make_org(owner, name="Invited Friends")
    consultation = make_consultation(invitation_only=True, facilitator=facilitator)
    client = signed_in_client(owner)
    _join(client, consultation, org)
    db.session.refresh(consultation)
    assert consultation.participation_of(org) is None
    signed_in_client(facilitator).post(
        f"/consultations/{consultation.slug}/invite", data={"organization_id": org.id}
    )
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == owner.id))
    assert "consultation.invited" in list(kinds)
    _join(client, consultation, org)
    db.session.refresh(consultation)
    assert consultation.participation_of(org).joined


def test_unverified_organization_is_told_it_cannot_submit_yet(signed_in_client):
    owner = make_user()
    org = make_org(owner, verified=False)
    consultation = make_consultation()
    join_consultation(consultation, org)
    page = signed_in_client(owner).get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "is not verified yet" in page and "you can submit only after" in page


def test_leaving_a_consultation(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    consultation = make_consultation()
    join_consultation(consultation, org)
    signed_in_client(owner).post(
        f"/consultations/{consultation.slug}/leave", data={"organization_id": org.id}
    )
    db.session.refresh(consultation)
    assert consultation.participation_of(org) is None


def _make_link(client, consultation) -> str:
    body = client.post(
        f"/consultations/{consultation.slug}/invite", data={"make_link": "1"}
    ).get_data(as_text=True)
    link = body.split('id="consultation-link" type="text" readonly value="')[1].split('"')[0]
    return link.replace("http://localhost", "")


def test_unlisted_organization_joins_with_a_link_once(signed_in_client, db):
    facilitator, owner, other = make_user(role="facilitator"), make_user(), make_user()
    hidden = make_org(owner, listed=False, name="Quiet Circle")
    other_org = make_org(other)
    consultation = make_consultation(invitation_only=True, facilitator=facilitator)
    path = _make_link(signed_in_client(facilitator), consultation)
    response = signed_in_client(owner).post(path, data={"organization_id": hidden.id})
    assert response.status_code == 303
    db.session.refresh(consultation)
    assert consultation.participation_of(hidden).joined
    again = signed_in_client(other).post(path, data={"organization_id": other_org.id})
    assert again.status_code == 404
    # Once it takes part, the consultation's facilitator can see the unlisted organization.
    assert signed_in_client(facilitator).get(f"/organizations/{hidden.id}").status_code == 200
    stranger = signed_in_client(make_user(role="facilitator"))
    assert stranger.get(f"/organizations/{hidden.id}").status_code == 404


def test_expired_consultation_link(signed_in_client, db, clock):
    facilitator, owner = make_user(role="facilitator"), make_user()
    org = make_org(owner)
    consultation = make_consultation(facilitator=facilitator)
    start = clock.set(utcnow())
    path = _make_link(signed_in_client(facilitator), consultation)
    clock.set(start + timedelta(days=14, seconds=1))
    response = signed_in_client(owner).get(path)
    assert response.status_code == 410
    assert db.session.scalar(select(ConsultationInvitationLink.used_at)) is None
    assert org.id


def test_listed_participants_by_name_and_the_others_as_a_count(client):
    consultation = make_consultation()
    join_consultation(consultation, make_org(name="Open Hands"))
    join_consultation(consultation, make_org(name="Secret Hands", listed=False))
    join_consultation(consultation, make_org(name="Pending Hands", verified=False))
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "Open Hands" in page
    assert "Secret Hands" not in page and "Pending Hands" not in page
    assert "and 2 organizations that are not listed" in page


def test_a_refused_join_by_link_says_so_and_keeps_the_link(signed_in_client, db):
    """The link's consultation was taken back to draft: joining is refused, never a 200."""
    facilitator, owner = make_user(role="facilitator"), make_user()
    org = make_org(owner)
    consultation = make_consultation(invitation_only=True, facilitator=facilitator)
    path = _make_link(signed_in_client(facilitator), consultation)
    consultation.published = False
    db.session.commit()
    response = signed_in_client(owner).post(path, data={"organization_id": org.id})
    assert response.status_code == 403
    assert "cannot join with this link" in response.get_data(as_text=True)
    db.session.refresh(consultation)
    assert not consultation.participation_of(org)
    assert db.session.scalar(select(ConsultationInvitationLink.used_at)) is None
