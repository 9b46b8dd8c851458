"""Read-only queries for the organization pages, each in a fixed number of statements."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.organizations.models import (
    JoinRequest,
    Membership,
    Organization,
    OrganizationCountry,
    OrganizationLanguage,
    Verification,
)
from app.policy import verification_queue_filter

PAGE_SIZE = 20


def _with_details(query: Select) -> Select:
    return query.options(
        selectinload(Organization.country_rows), selectinload(Organization.language_rows)
    )


def _filtered(query: Select, *, q="", country="", kind="", language="") -> Select:
    if q:
        query = query.where(Organization.name.ilike(f"%{_escape_like(q)}%", escape="\\"))
    if kind:
        query = query.where(Organization.kind == kind)
    if country:
        query = query.where(
            exists().where(
                OrganizationCountry.organization_id == Organization.id,
                OrganizationCountry.code == country,
            )
        )
    if language:
        query = query.where(
            exists().where(
                OrganizationLanguage.organization_id == Organization.id,
                OrganizationLanguage.code == language,
            )
        )
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def directory_page(page: int, **filters):
    """Listed, verified organizations only: the public directory."""
    query = select(Organization).where(
        Organization.listed.is_(True), Organization.verification == Verification.VERIFIED
    )
    query = _with_details(_filtered(query, **filters)).order_by(Organization.name, Organization.id)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def verification_page(user, page: int, state="", kind="", country=""):
    """The facilitators' queue, newest first. Unlisted organizations appear only while they
    wait for a decision, or to the facilitator who decided on them (and to admins)."""
    query = select(Organization)
    visible = verification_queue_filter(user)
    if visible is not None:
        query = query.where(visible)
    if state:
        query = query.where(Organization.verification == state)
    query = _with_details(_filtered(query, kind=kind, country=country))
    query = query.order_by(Organization.created_at.desc(), Organization.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False, count=True)


def organization_for_page(org_id: int) -> Organization | None:
    query = _with_details(select(Organization).where(Organization.id == org_id)).options(
        selectinload(Organization.memberships)
    )
    return db.session.scalar(query)


def my_memberships(user) -> list[Membership]:
    query = (
        select(Membership)
        .where(Membership.user_id == user.id)
        .join(Membership.organization)
        .options(selectinload(Membership.organization))
        .order_by(Organization.name)
    )
    return list(db.session.scalars(query))


def members_of(org: Organization) -> list[Membership]:
    query = (
        select(Membership)
        .where(Membership.organization_id == org.id)
        .options(selectinload(Membership.user))
        .order_by(Membership.role, Membership.created_at)
    )
    return list(db.session.scalars(query))


def pending_requests(org: Organization) -> list[JoinRequest]:
    query = (
        select(JoinRequest)
        .where(JoinRequest.organization_id == org.id, JoinRequest.state == "pending")
        .options(selectinload(JoinRequest.user))
        .order_by(JoinRequest.created_at)
    )
    return list(db.session.scalars(query))


def has_pending_request(user, org: Organization) -> bool:
    if not user.is_authenticated:
        return False
    return bool(
        db.session.scalar(
            select(JoinRequest.id).where(
                JoinRequest.organization_id == org.id,
                JoinRequest.user_id == user.id,
                JoinRequest.state == "pending",
            )
        )
    )
