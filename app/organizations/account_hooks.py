"""What the organizations area adds to a person's data export and account deletion."""

from __future__ import annotations

from sqlalchemy import select

from app.account.services import deletion_check, export_section
from app.extensions import db
from app.i18n import gettext as _
from app.organizations import queries
from app.organizations.models import Invitation, JoinRequest


def _at(moment) -> str | None:
    return moment.isoformat() if moment else None


@export_section(
    "memberships.user_id",
    "join_requests.user_id",
    "invitations.created_by_id",
    "invitations.used_by_id",
)
def memberships_export(user):
    """Their memberships, requests to join (with what they wrote), and the invitation links
    they made or used. Other members are not named."""
    requests = db.session.scalars(
        select(JoinRequest).where(JoinRequest.user_id == user.id).order_by(JoinRequest.id)
    )
    made = db.session.scalars(
        select(Invitation).where(Invitation.created_by_id == user.id).order_by(Invitation.id)
    )
    used = db.session.scalars(
        select(Invitation).where(Invitation.used_by_id == user.id).order_by(Invitation.id)
    )
    return "organizations", {
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in queries.my_memberships(user)
        ],
        "requests_to_join": [
            {
                "organization": r.organization.name,
                "your_message": r.message,
                "state": r.state,
                "at": r.created_at.isoformat(),
                "decided_at": _at(r.decided_at),
            }
            for r in requests
        ],
        "invitation_links_you_made": [
            {
                "organization": i.organization.name,
                "role": i.role,
                "at": i.created_at.isoformat(),
                "expires_at": _at(i.expires_at),
                "used": i.used_at is not None,
                "revoked_at": _at(i.revoked_at),
            }
            for i in made
        ],
        "invitations_you_accepted": [
            {"organization": i.organization.name, "role": i.role, "at": _at(i.used_at)}
            for i in used
        ],
    }


@deletion_check
def last_owner_check(user) -> list[str]:
    reasons = []
    for membership in queries.my_memberships(user):
        org = membership.organization
        if membership.role != "owner" or len(org.owners()) > 1:
            continue
        if len(org.memberships) > 1:
            reasons.append(
                _(
                    "You are the last owner of %(org)s. Make another member owner first.",
                    org=org.name,
                )
            )
        else:
            reasons.append(
                _(
                    "You are the only member of %(org)s. Delete the organization first.",
                    org=org.name,
                )
            )
    return reasons
