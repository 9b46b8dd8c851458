"""What people do with organizations: register, edit, verify, and manage who belongs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import get_locale
from sqlalchemy import select

from app.audit.services import record_event
from app.auth.models import User
from app.extensions import db
from app.mail import queue_email, queue_email_to_address
from app.notifications.services import notify, notify_all
from app.organizations.models import (
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Organization,
    Verification,
)
from app.security import lookup_hash
from app.tokens import new_token, token_digest

INVITATION_LIFETIME = timedelta(days=7)


class LastOwner(Exception):
    """An organization must keep at least one owner."""


class AlreadyMember(Exception):
    pass


class InvitationInvalid(Exception):
    """Unknown, used or withdrawn."""


class InvitationExpired(Exception):
    pass


class RequestPending(Exception):
    pass


class OrganizationInUse(Exception):
    """The organization still has other members or work, and cannot be deleted."""


# Areas that hold an organization's work add a check here (e.g. submissions).
DELETION_CHECKS: list[Callable[[Organization], bool]] = []

EDITABLE_FIELDS = ("name", "kind", "countries", "languages", "description", "contact", "listed")


def register_organization(user: User, now: datetime, **fields) -> Organization:
    """A new organization, pending verification, with the person who registers it as owner."""
    org = Organization(verification=Verification.PENDING, created_at=now)
    _apply(org, fields)
    org.memberships.append(Membership(user_id=user.id, role=MemberRole.OWNER, created_at=now))
    db.session.add(org)
    db.session.flush()
    set_active_organization(user, org)
    record_event(user, "organization.registered", org, now=now, listed=org.listed)
    return org


def update_organization(user: User, org: Organization, now: datetime, **fields) -> None:
    """Save settings. A new name needs a new verification (the badge vouches for the name);
    a rejected organization that changes anything goes back in the queue."""
    changed = [name for name in EDITABLE_FIELDS if _differs(getattr(org, name), fields.get(name))]
    renamed = "name" in changed and org.is_verified
    _apply(org, fields)
    if changed and (renamed or org.verification == Verification.REJECTED):
        org.verification = Verification.PENDING
    record_event(user, "organization.updated", org, now=now, fields=changed)


def _differs(old, new) -> bool:
    if isinstance(new, list):
        return sorted(old or []) != sorted(set(new))
    return (old or None) != (new or None)


def _apply(org: Organization, fields: dict) -> None:
    org.name = fields["name"].strip()
    org.kind = fields["kind"]
    org.countries = sorted(set(fields.get("countries") or []))
    org.languages = sorted(set(fields.get("languages") or []))
    org.description = fields.get("description") or ""
    org.contact = (fields.get("contact") or "").strip() or None
    org.listed = bool(fields.get("listed"))


def delete_organization(user: User, org: Organization, now: datetime) -> None:
    if len(org.memberships) > 1 or any(check(org) for check in DELETION_CHECKS):
        raise OrganizationInUse
    record_event(user, "organization.deleted", org, now=now)
    db.session.delete(org)


# --- Verification -------------------------------------------------------------------------


def _owner_users(org: Organization) -> list[User]:
    return [m.user for m in org.owners()]


def verify_organization(facilitator: User, org: Organization, now: datetime) -> None:
    org.verification = Verification.VERIFIED
    org.verification_reason = None
    org.verified_at, org.verified_by_id = now, facilitator.id
    record_event(facilitator, "organization.verified", org, now=now)
    notify_all(_owner_users(org), "org.verified", now, _profile(org), org=org.name)


def reject_organization(facilitator: User, org: Organization, reason: str, now: datetime) -> None:
    org.verification = Verification.REJECTED
    org.verification_reason = reason
    org.verified_at, org.verified_by_id = now, facilitator.id
    record_event(facilitator, "organization.rejected", org, now=now)
    notify_all(_owner_users(org), "org.rejected", now, _profile(org), org=org.name, reason=reason)


def revoke_verification(facilitator: User, org: Organization, reason: str, now: datetime) -> None:
    org.verification = Verification.REJECTED
    org.verification_reason = reason
    org.verified_at, org.verified_by_id = now, facilitator.id
    record_event(facilitator, "organization.verification_revoked", org, now=now)
    notify_all(
        _owner_users(org),
        "org.verification_revoked",
        now,
        _profile(org),
        org=org.name,
        reason=reason,
    )


def _profile(org: Organization) -> str:
    return url_for("organizations.profile", org_id=org.id)


# --- Members ------------------------------------------------------------------------------


def _ensure_owner_remains(membership: Membership, new_role: str | None) -> None:
    """Refuse a change that would leave the organization without an owner."""
    org = membership.organization
    stops_owning = membership.role == MemberRole.OWNER and new_role != MemberRole.OWNER
    if stops_owning and len(org.owners()) <= 1:
        raise LastOwner


def change_role(by: User, membership: Membership, role: str, now: datetime) -> None:
    if membership.role == role:
        return
    _ensure_owner_remains(membership, role)
    old, membership.role = membership.role, role
    org = membership.organization
    record_event(
        by, "membership.role_changed", org, now=now, member=membership.user_id, old=old, new=role
    )
    if membership.user_id != by.id:
        notify(membership.user, "org.role_changed", now, _profile(org), org=org.name, role=role)


def remove_member(by: User, membership: Membership, now: datetime) -> None:
    _ensure_owner_remains(membership, None)
    org = membership.organization
    record_event(by, "membership.removed", org, now=now, member=membership.user_id)
    notify(membership.user, "org.removed", now, None, org=org.name)
    _forget_active(membership)
    db.session.delete(membership)


def leave_organization(user: User, membership: Membership, now: datetime) -> None:
    _ensure_owner_remains(membership, None)
    record_event(user, "membership.left", membership.organization, now=now)
    _forget_active(membership)
    db.session.delete(membership)


def _forget_active(membership: Membership) -> None:
    user = membership.user
    if user.active_organization_id == membership.organization_id:
        user.active_organization_id = None


def _join(user: User, org: Organization, role: str, now: datetime) -> Membership:
    if org.membership_of(user) is not None:
        raise AlreadyMember
    membership = Membership(user_id=user.id, role=role, created_at=now)
    org.memberships.append(membership)
    db.session.flush()
    set_active_organization(user, org)
    others = [m.user for m in org.owners() if m.user_id != user.id]
    notify_all(
        others, "org.member_joined", now, _members_page(org), org=org.name, person_id=user.id
    )
    return membership


def _members_page(org: Organization) -> str:
    return url_for("organizations.members", org_id=org.id)


def set_active_organization(user: User, org: Organization | None) -> None:
    user.active_organization_id = org.id if org else None


# --- Invitations --------------------------------------------------------------------------


def create_invitation(
    by: User, org: Organization, role: str, now: datetime, email: str | None = None
) -> str:
    """A single-use link, valid for 7 days. The token is returned once and never stored."""
    token = new_token()
    invitation = Invitation(
        organization=org,
        role=role,
        token_hash=token_digest(token),
        created_by_id=by.id,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    record_event(by, "invitation.created", org, now=now, invitation=invitation.id, role=role)
    if email:
        _email_invitation(by, org, email, token)
    return token


def _email_invitation(by: User, org: Organization, email: str, token: str) -> None:
    """The e-mail names no organization: only a link, in case the inbox is watched. It is in
    the recipient's language when the address is an account's, else in the organization's."""
    account = db.session.scalar(select(User).where(User.email_lookup == lookup_hash(email)))
    if account is not None:
        queue_email(account, "invitation", to=email, token=token)
    else:
        queue_email_to_address(email, "invitation", invitation_language(org, by), token=token)


# The platform language most people speak in a country where it is not English.
COUNTRY_LANGUAGES = {
    "ID": "id",
    "PH": "fil",
    "NP": "ne",
    **dict.fromkeys(
        ("AE", "BH", "EG", "IQ", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE"), "ar"
    ),
}


def invitation_language(org: Organization, sender: User) -> str:
    """For someone without an account: the organization's own language where it works (the
    first it lists besides English, else the one of a country it works in), else English if
    it lists it, else the sender's language."""
    offered: list[str] = current_app.config["LANGUAGES"]
    listed = [code for code in org.languages if code in offered]
    regional = [COUNTRY_LANGUAGES[c] for c in org.countries if c in COUNTRY_LANGUAGES]
    for code in [*(c for c in listed if c != "en"), *(c for c in regional if c in offered)]:
        return code
    if listed:
        return listed[0]
    return sender.locale if sender.locale in offered else str(get_locale())


def find_invitation(token: str, now: datetime) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_digest(token))
    )
    if invitation is None or invitation.used_at or invitation.revoked_at:
        raise InvitationInvalid
    if invitation.expires_at <= now:
        raise InvitationExpired
    return invitation


def accept_invitation(user: User, token: str, now: datetime) -> Membership:
    invitation = find_invitation(token, now)
    membership = _join(user, invitation.organization, invitation.role, now)
    invitation.used_at, invitation.used_by_id = now, user.id
    record_event(
        user, "invitation.accepted", invitation.organization, now=now, invitation=invitation.id
    )
    return membership


def revoke_invitation(by: User, invitation: Invitation, now: datetime) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        record_event(
            by, "invitation.revoked", invitation.organization, now=now, invitation=invitation.id
        )


# --- Join requests ------------------------------------------------------------------------


def request_to_join(user: User, org: Organization, message: str, now: datetime) -> JoinRequest:
    if org.membership_of(user) is not None:
        raise AlreadyMember
    pending = db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.organization_id == org.id,
            JoinRequest.user_id == user.id,
            JoinRequest.state == "pending",
        )
    )
    if pending is not None:
        raise RequestPending
    request = JoinRequest(organization=org, user_id=user.id, message=message, created_at=now)
    db.session.add(request)
    notify_all(
        _owner_users(org),
        "org.join_requested",
        now,
        _members_page(org),
        org=org.name,
        person_id=user.id,
    )
    record_event(user, "join_request.created", org, now=now)
    return request


def decide_join_request(
    by: User, request: JoinRequest, approve: bool, now: datetime, role: str = MemberRole.VIEWER
) -> None:
    request.state = "approved" if approve else "refused"
    request.decided_at = now
    org = request.organization
    record_event(by, f"join_request.{request.state}", org, now=now, member=request.user_id)
    if approve:
        _join(request.user, org, role, now)
        notify(request.user, "org.join_approved", now, _profile(org), org=org.name)
    else:
        notify(request.user, "org.join_refused", now, None, org=org.name)
