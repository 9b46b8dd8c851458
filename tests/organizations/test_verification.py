from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.mail import SENT
from app.notifications.models import Notification
from app.timeutil import utcnow
from tests.factories import make_org, make_user


def test_queue_lists_pending_newest_first_and_filters(signed_in_client, db, clock):
    start = clock.set(utcnow())
    older = make_org(name="Older Group", verified=False, countries=["NP"])
    clock.set(start + timedelta(minutes=5))
    newer = make_org(name="Newer Group", verified=False, kind="ngo", countries=["ID"])
    make_org(name="Already Verified")
    client = signed_in_client(make_user(role="facilitator"))
    body = client.get("/organizations/verification").get_data(as_text=True)
    assert body.index("Newer Group") < body.index("Older Group")
    assert "Already Verified" not in body
    filtered = client.get("/organizations/verification?kind=ngo").get_data(as_text=True)
    assert "Newer Group" in filtered and "Older Group" not in filtered
    by_country = client.get("/organizations/verification?country=NP").get_data(as_text=True)
    assert "Older Group" in by_country and "Newer Group" not in by_country
    assert older.id and newer.id


def test_verify_notifies_owners_and_shows_the_badge(signed_in_client, db, app):
    owner = make_user(email="owner@example.org")
    org = make_org(owner, name="Sunday Circle", verified=False)
    facilitator = make_user(role="facilitator")
    response = signed_in_client(facilitator).post(f"/organizations/{org.id}/verify")
    assert response.status_code == 303
    db.session.refresh(org)
    assert org.verification == "verified" and org.verified_by_id == facilitator.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == owner.id))
    assert note.kind == "org.verified"
    assert len(SENT) == 1
    assert "Sunday Circle" not in SENT[0].get_content()  # the e-mail carries no content
    body = signed_in_client(owner).get("/notifications").get_data(as_text=True)
    assert "Sunday Circle is now verified." in body
    profile = signed_in_client(owner).get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "badge-verified" in profile
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "organization.verified" in actions


def test_reject_needs_a_reason_that_owners_read(signed_in_client, db):
    owner = make_user()
    org = make_org(owner, verified=False)
    client = signed_in_client(make_user(role="facilitator"))
    missing = client.post(f"/organizations/{org.id}/reject", data={"reason": ""})
    assert missing.status_code == 422
    client.post(f"/organizations/{org.id}/reject", data={"reason": "We found no trace of it."})
    db.session.refresh(org)
    assert org.verification == "rejected"
    body = signed_in_client(owner).get("/notifications").get_data(as_text=True)
    assert "We found no trace of it." in body


def test_revoke_a_verification(signed_in_client, db):
    org = make_org()
    client = signed_in_client(make_user(role="facilitator"))
    client.post(f"/organizations/{org.id}/revoke", data={"reason": "It closed last year."})
    db.session.refresh(org)
    assert org.verification == "rejected"
    assert db.session.scalar(select(Notification.kind)) == "org.verification_revoked"


def test_rejected_organization_returns_to_the_queue_when_edited(signed_in_client, db):
    owner = make_user()
    org = make_org(owner, verified=False, name="Try Again")
    signed_in_client(make_user(role="facilitator")).post(
        f"/organizations/{org.id}/reject", data={"reason": "Tell us more about your work."}
    )
    signed_in_client(owner).post(
        f"/organizations/{org.id}/edit",
        data={
            "name": "Try Again",
            "kind": "ngo",
            "countries": ["PH"],
            "languages": ["en"],
            "description": "More detail now.",
            "contact": "",
            "listed": "listed",
        },
    )
    db.session.refresh(org)
    assert org.verification == "pending"


def test_unlisted_organization_leaves_other_facilitators_view_once_decided(signed_in_client, db):
    org = make_org(name="Hidden Helpers", listed=False, verified=False)
    first, second = make_user(role="facilitator"), make_user(role="facilitator")
    assert "Hidden Helpers" in signed_in_client(second).get("/organizations/verification").get_data(
        as_text=True
    )
    signed_in_client(first).post(f"/organizations/{org.id}/verify")
    queue = (
        signed_in_client(second).get("/organizations/verification?state=").get_data(as_text=True)
    )
    assert "Hidden Helpers" not in queue
    assert signed_in_client(second).get(f"/organizations/{org.id}").status_code == 404
    assert signed_in_client(first).get(f"/organizations/{org.id}").status_code == 200


def test_members_and_reviewers_have_no_queue(signed_in_client):
    assert signed_in_client(make_user()).get("/organizations/verification").status_code == 403
    reviewer = make_user(role="un-reviewer")
    assert signed_in_client(reviewer).get("/organizations/verification").status_code == 403
