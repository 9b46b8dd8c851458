"""What the organizations area adds to a person's data export and account deletion."""

from __future__ import annotations

from flask_babel import gettext as _

from app.account.services import deletion_check, export_section
from app.organizations import queries


@export_section
def memberships_export(user):
    return "organizations", [
        {"organization": m.organization.name, "role": m.role, "since": m.created_at.isoformat()}
        for m in queries.my_memberships(user)
    ]


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
