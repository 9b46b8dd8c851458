from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.mail import SENT
from app.notifications.models import Notification
from app.organizations.models import Invitation, Membership
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_org, make_user


def _invite(client, org, role="editor", email=""):
    response = client.post(
        f"/organizations/{org.id}/invitations", data={"role": role, "email": email}
    )
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    link = body.split('id="new-link" type="text" readonly value="')[1].split('"')[0]
    return link.replace("http://localhost", "")


def test_invitation_link_works_once(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    path = _invite(signed_in_client(owner), org, role="viewer")
    first, second = make_user(), make_user()
    assert signed_in_client(first).post(path).status_code == 303
    db.session.refresh(org)
    assert org.membership_of(first).role == "viewer"
    again = signed_in_client(second).get(path)
    assert again.status_code == 404
    assert "does not work" in again.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.token_hash)) not in path  # only a hash is kept


def test_invitation_expires_after_seven_days(signed_in_client, clock):
    owner = make_user()
    org = make_org(owner)
    start = clock.set(utcnow())
    path = _invite(signed_in_client(owner), org)
    clock.set(start + timedelta(days=7, seconds=1))
    response = signed_in_client(make_user()).post(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_withdrawn_invitation_no_longer_works(signed_in_client, db):
    owner = make_user()
    org = make_org(owner)
    client = signed_in_client(owner)
    path = _invite(client, org)
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/organizations/{org.id}/invitations/{invitation.id}/revoke")
    assert signed_in_client(make_user()).get(path).status_code == 404


def test_visitor_is_asked_to_sign_in_first(client, signed_in_client):
    owner = make_user()
    org = make_org(owner, name="Quiet Group", listed=False)
    path = _invite(signed_in_client(owner), org)
    page = client.get(path).get_data(as_text=True)
    assert "Sign in or create an account first" in page
    assert f"next={path}" in page.replace("%2F", "/")


def test_emailed_invitation_names_no_organization(signed_in_client):
    owner = make_user()
    org = make_org(owner, name="Quiet Group", listed=False)
    _invite(signed_in_client(owner), org, email="friend@example.org")
    assert SENT[-1]["To"] == "friend@example.org"
    assert "Quiet Group" not in SENT[-1].get_content()
    assert "/invitations/" in SENT[-1].get_content()


def test_join_request_approved_with_a_role(signed_in_client, db):
    owner = make_user()
    org = make_org(owner, name="Open Circle")
    person = make_user(display_name="Hasan")
    client = signed_in_client(person)
    client.post(f"/organizations/{org.id}/join-requests", data={"message": "I volunteer."})
    again = client.post(f"/organizations/{org.id}/join-requests", data={"message": "x"})
    assert again.status_code == 303
    members_page = signed_in_client(owner).get(f"/organizations/{org.id}/members")
    assert "I volunteer." in members_page.get_data(as_text=True)
    request_id = db.session.scalar(
        select(Notification.kind).where(Notification.user_id == owner.id)
    )
    assert request_id == "org.join_requested"
    from app.organizations.models import JoinRequest

    join = db.session.scalar(select(JoinRequest))
    signed_in_client(owner).post(
        f"/organizations/{org.id}/join-requests/{join.id}/approve", data={"role": "editor"}
    )
    db.session.refresh(org)
    assert org.membership_of(person).role == "editor"
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == person.id)
    ).all()
    assert "org.join_approved" in kinds


def test_refused_request_makes_no_member(signed_in_client, db):
    from app.organizations.models import JoinRequest

    owner, person = make_user(), make_user()
    org = make_org(owner)
    signed_in_client(person).post(f"/organizations/{org.id}/join-requests", data={})
    join = db.session.scalar(select(JoinRequest))
    signed_in_client(owner).post(f"/organizations/{org.id}/join-requests/{join.id}/refuse")
    db.session.refresh(org)
    assert org.membership_of(person) is None
    assert db.session.scalar(select(JoinRequest.state)) == "refused"


def test_unlisted_or_unverified_organizations_take_no_join_requests(signed_in_client):
    person = make_user()
    hidden = make_org(listed=False)
    pending = make_org(verified=False)
    client = signed_in_client(person)
    assert client.post(f"/organizations/{hidden.id}/join-requests").status_code == 404
    assert client.post(f"/organizations/{pending.id}/join-requests").status_code in (403, 404)


@pytest.mark.parametrize("action", ["demote", "remove", "leave"])
def test_the_last_owner_cannot_go(signed_in_client, db, action):
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    membership = org.membership_of(owner)
    client = signed_in_client(owner)
    if action == "demote":
        client.post(
            f"/organizations/{org.id}/members/{membership.id}/role", data={"role": "editor"}
        )
    elif action == "remove":
        client.post(f"/organizations/{org.id}/members/{membership.id}/remove")
    else:
        client.post(f"/organizations/{org.id}/leave")
    db.session.expire_all()
    assert db.session.get(Membership, membership.id).role == "owner"


def test_ownership_can_be_handed_on(signed_in_client, db):
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    client = signed_in_client(owner)
    editor_membership, own = org.membership_of(editor), org.membership_of(owner)
    client.post(
        f"/organizations/{org.id}/members/{editor_membership.id}/role", data={"role": "owner"}
    )
    client.post(f"/organizations/{org.id}/members/{own.id}/role", data={"role": "viewer"})
    db.session.refresh(org)
    assert org.membership_of(editor).role == "owner"
    assert org.membership_of(owner).role == "viewer"
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("membership.role_changed") == 2


def test_a_member_can_leave_and_is_removed_by_owner(signed_in_client, db):
    owner, viewer, editor = make_user(), make_user(), make_user()
    org = make_org(owner, members={viewer: "viewer", editor: "editor"})
    signed_in_client(viewer).post(f"/organizations/{org.id}/leave")
    signed_in_client(owner).post(
        f"/organizations/{org.id}/members/{org.membership_of(editor).id}/remove"
    )
    db.session.refresh(org)
    assert {m.user_id for m in org.memberships} == {owner.id}


def test_editors_cannot_manage_members(signed_in_client, db):
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    client = signed_in_client(editor)
    own = org.membership_of(owner)
    assert client.post(f"/organizations/{org.id}/members/{own.id}/remove").status_code == 403
    invite = {"email": "newcomer@example.org", "role": "owner"}
    assert client.post(f"/organizations/{org.id}/invitations", data=invite).status_code == 403
    role_url = f"/organizations/{org.id}/members/{own.id}/role"
    assert client.post(role_url, data={"role": "viewer"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Membership, own.id).role == "owner"
    invitations = select(Invitation).where(Invitation.organization_id == org.id)
    assert db.session.scalars(invitations).all() == []
    assert all("newcomer@example.org" not in str(m["To"]) for m in SENT)


def test_membership_of_another_organization_cannot_be_reached_by_id(signed_in_client, db):
    owner = make_user()
    mine = make_org(owner)
    other = make_org()
    foreign = other.memberships[0]
    client = signed_in_client(owner)
    url = f"/organizations/{mine.id}/members/{foreign.id}/remove"
    assert client.post(url).status_code == 404
    assert db.session.get(Membership, foreign.id) is not None


def test_last_owner_cannot_delete_their_account(signed_in_client, db):
    owner, editor = make_user(), make_user()
    make_org(owner, name="Needs An Owner", members={editor: "editor"})
    response = signed_in_client(owner).post(
        "/account/delete", data={"delete-current_password": PASSWORD}
    )
    assert response.status_code == 409
    assert "last owner of Needs An Owner" in response.get_data(as_text=True)
