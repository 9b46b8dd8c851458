"""Read-only queries for consultation pages, each in a fixed number of statements."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, exists, false, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.consultations.models import (
    Consultation,
    ConsultationLanguage,
    ConsultationObjective,
    Participation,
    Review,
)
from app.db import joined_codes
from app.extensions import db
from app.organizations.models import Membership, Organization
from app.pagination import paginate_rows
from app.policy import viewable_consultations

PAGE_SIZE = 20


def _state_condition(state: str, now: datetime):
    live = and_(Consultation.published.is_(True), Consultation.compiled_at.is_(None))
    conditions = {
        "upcoming": and_(live, Consultation.opens_at > now),
        "open": and_(live, Consultation.opens_at <= now, Consultation.deadline_at > now),
        "closed": and_(live, Consultation.deadline_at <= now),
        "compiled": Consultation.compiled_at.is_not(None),
        "draft": Consultation.published.is_(False),
    }
    return conditions.get(state, false())


def list_page(
    user, now: datetime, page: int, *, q="", level="", area="", objective="", state="", language=""
):
    # Each consultation with its languages' codes in one string (no second statement).
    codes = (
        select(joined_codes(ConsultationLanguage.code))
        .where(ConsultationLanguage.consultation_id == Consultation.id)
        .scalar_subquery()
    )
    query = (
        select(Consultation, codes.label("language_codes"))
        .join(Consultation.review)
        .where(viewable_consultations(user))
    )
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Consultation.search_text.like(f"%{escaped}%", escape="\\"))
    if level:
        query = query.where(Review.level == level)
    if area:
        query = query.where(Review.area == area)
    if objective:
        query = query.where(
            exists().where(
                ConsultationObjective.consultation_id == Consultation.id,
                ConsultationObjective.number == int(objective),
            )
        )
    if language:
        query = query.where(
            exists().where(
                ConsultationLanguage.consultation_id == Consultation.id,
                ConsultationLanguage.code == language,
            )
        )
    if state:
        query = query.where(_state_condition(state, now))
    query = query.options(joinedload(Consultation.review)).order_by(
        Consultation.deadline_at.desc(), Consultation.id.desc()
    )
    return paginate_rows(query, page, PAGE_SIZE)


def known_areas() -> list[tuple[str, str]]:
    """Every (area kind, area) that some review uses, for the area filter."""
    return list(db.session.execute(select(Review.area_kind, Review.area).distinct()).tuples().all())


# The statements that load a consultation by its slug, on nearly every page, are built once
# (on first use, when every model is mapped): SQLAlchemy keeps a built statement's cache
# key, which it otherwise works out again on each call.
@cache
def _by_slug(kind: str):
    query = select(Consultation).where(Consultation.slug == bindparam("slug"))
    if kind == "row":
        return query.options(joinedload(Consultation.staff))
    if kind == "dashboard":
        return query.options(joinedload(Consultation.objective_rows)).execution_options(
            populate_existing=True
        )
    return query.options(
        joinedload(Consultation.review),
        selectinload(Consultation.objective_rows),
        selectinload(Consultation.language_rows),
        selectinload(Consultation.questions),
        selectinload(Consultation.documents),
        selectinload(Consultation.staff),
    )


def consultation_row(slug: str) -> Consultation | None:
    """The consultation and its staff, enough to check who may see it, in one statement."""
    return db.session.execute(_by_slug("row"), {"slug": slug}).unique().scalar_one_or_none()


def consultation_for_dashboard(slug: str) -> Consultation:
    """The consultation with its objectives (joined: one statement), read again even when
    this request loaded it already, so a kept dashboard is never rendered from an older read."""
    return db.session.scalars(_by_slug("dashboard"), {"slug": slug}).unique().one()


def consultation_for_page(slug: str) -> Consultation | None:
    """The consultation with what its page shows."""
    return db.session.scalar(_by_slug("page"), {"slug": slug})


def _joined_organizations(consultation: Consultation):
    return (
        select(Organization)
        .join(Participation, Participation.organization_id == Organization.id)
        .where(Participation.consultation_id == consultation.id, Participation.state == "joined")
    )


def _public(query):
    return query.where(Organization.listed.is_(True), Organization.verification == "verified")


def public_participants(consultation: Consultation, limit: int) -> list[Organization]:
    """Listed, verified organizations taking part, by name (the others are only counted)."""
    query = _public(_joined_organizations(consultation)).order_by(Organization.name)
    return list(db.session.scalars(query.limit(limit).options(*_lean_organization())))


def participant_counts(consultation: Consultation) -> tuple[int, int]:
    """(listed and verified, all others) among the organizations taking part: one count."""
    listed = func.count().filter(
        Organization.listed.is_(True), Organization.verification == "verified"
    )
    query = (
        select(func.count(), listed)
        .select_from(Participation)
        .join(Organization, Organization.id == Participation.organization_id)
        .where(Participation.consultation_id == consultation.id, Participation.state == "joined")
    )
    total, shown = db.session.execute(query).one()
    return shown, total - shown


def participants_page(consultation: Consultation, page: int, public_only: bool):
    query = _joined_organizations(consultation)
    query = _public(query) if public_only else query
    query = query.options(*_lean_organization()).order_by(Organization.name, Organization.id)
    return db.paginate(query, page=page, per_page=50, error_out=False, count=True)


def _lean_organization():
    from sqlalchemy.orm import load_only

    return (
        load_only(
            Organization.id, Organization.name, Organization.listed, Organization.verification
        ),
    )


def owned_organizations(user) -> list[Organization]:
    """Organizations the person owns: those they can join a consultation with."""
    if not user.is_authenticated:
        return []
    query = (
        select(Organization)
        .join(Membership)
        .where(Membership.user_id == user.id, Membership.role == "owner")
        .order_by(Organization.name)
    )
    return list(db.session.scalars(query))


def my_participations(user, consultation: Consultation) -> list[Participation]:
    """This consultation's participations of organizations the person belongs to."""
    if not user.is_authenticated:
        return []
    query = (
        select(Participation)
        .join(Membership, Membership.organization_id == Participation.organization_id)
        .where(Participation.consultation_id == consultation.id, Membership.user_id == user.id)
        .options(joinedload(Participation.organization))
    )
    return list(db.session.scalars(query))


def invitable_organizations(consultation: Consultation, q: str) -> list[Organization]:
    """Listed organizations a facilitator can invite, by name."""
    taken = select(Participation.organization_id).where(
        Participation.consultation_id == consultation.id
    )
    query = select(Organization).where(Organization.listed.is_(True), Organization.id.not_in(taken))
    if q:
        query = query.where(Organization.name.ilike(f"%{q}%"))
    return list(db.session.scalars(query.order_by(Organization.name).limit(20)))
