"""Memberships are read with the signed-in account, once per request (app/policy.py). A
change to them in the same request is seen by the next permission question."""

from sqlalchemy import delete

from app.organizations.models import Membership
from app.policy import _roles_in as member_roles_in
from tests.factories import make_org, make_user


def test_a_membership_added_or_removed_in_the_request_counts_at_once(app, db):
    owner, newcomer = make_user(), make_user()
    org = make_org(owner)
    with app.test_request_context("/"):
        assert member_roles_in(newcomer, {org.id}) == set()  # read, and kept for the request
        db.session.add(Membership(user_id=newcomer.id, organization_id=org.id, role="editor"))
        db.session.flush()
        assert member_roles_in(newcomer, {org.id}) == {"editor"}
        db.session.execute(delete(Membership).where(Membership.user_id == newcomer.id))
        assert member_roles_in(newcomer, {org.id}) == set()
