"""Read-only queries for consultation pages, each in a fixed number of statements."""

from __future__ import annotations

from datetime import datetime
from functools import cache, lru_cache

from sqlalchemy import String, and_, bindparam, cast, exists, false, func, inspect, select, true
from sqlalchemy.orm import joinedload, load_only, with_expression
from sqlalchemy.orm.attributes import set_committed_value

from app.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationLanguage,
    ConsultationObjective,
    GuidingQuestion,
    Participation,
    Review,
)
from app.db import joined_codes
from app.extensions import db
from app.organizations.models import Membership, Organization, OrgName
from app.pagination import paged, paginate_built
from app.policy import sees_unpublished_consultations, viewable_consultations

PAGE_SIZE = 20


def _state_condition(state: str, now):
    live = and_(Consultation.published.is_(True), Consultation.compiled_at.is_(None))
    conditions = {
        "upcoming": and_(live, Consultation.opens_at > now),
        "open": and_(live, Consultation.opens_at <= now, Consultation.deadline_at > now),
        "closed": and_(live, Consultation.deadline_at <= now),
        "compiled": Consultation.compiled_at.is_not(None),
        "draft": Consultation.published.is_(False),
    }
    return conditions.get(state, false())


LIST_FILTERS = ("q", "level", "area", "objective", "language")


def list_page(
    user, now: datetime, page: int, *, q="", level="", area="", objective="", state="", language=""
):
    given = {"q": q, "level": level, "area": area, "objective": objective, "language": language}
    filters = tuple(name for name in LIST_FILTERS if given[name])
    values: dict = {name: given[name] for name in filters}
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["q"] = f"%{escaped}%"
    if objective:
        values["objective"] = int(objective)
    if state:
        values["now"] = now
    if sees_unpublished_consultations(user):
        statement = _list_statement(viewable_consultations(user), filters, state)
    else:  # everyone else sees the published ones: the statement is built once per filters
        statement = _public_list_statement(filters, state)
    return paginate_built(statement, values, page, PAGE_SIZE)


@lru_cache(maxsize=128)
def _public_list_statement(filters: tuple[str, ...], state: str):
    return _list_statement(Consultation.published.is_(True), filters, state)


def _list_statement(viewable, filters: tuple[str, ...], state: str):
    """The list's statement for these filters, their values bound; the total comes with each
    row, and each consultation with its languages' codes in one string."""
    codes = (
        select(joined_codes(ConsultationLanguage.code))
        .where(ConsultationLanguage.consultation_id == Consultation.id)
        .scalar_subquery()
    )
    query = select(Consultation, codes.label("language_codes")).join(Consultation.review)
    query = query.where(viewable)
    if "q" in filters:
        query = query.where(Consultation.search_text.like(bindparam("q"), escape="\\"))
    if "level" in filters:
        query = query.where(Review.level == bindparam("level"))
    if "area" in filters:
        query = query.where(Review.area == bindparam("area"))
    if "objective" in filters:
        query = query.where(
            exists().where(
                ConsultationObjective.consultation_id == Consultation.id,
                ConsultationObjective.number == bindparam("objective"),
            )
        )
    if "language" in filters:
        query = query.where(
            exists().where(
                ConsultationLanguage.consultation_id == Consultation.id,
                ConsultationLanguage.code == bindparam("language"),
            )
        )
    if state:
        query = query.where(_state_condition(state, bindparam("now")))
    # Only the columns a card shows (title, state, time left): not the search text, the
    # principles and the other dates of every consultation on the page.
    shown = load_only(
        Consultation.slug,
        Consultation.review_id,
        Consultation.original_language,
        Consultation.texts,
        Consultation.published,
        Consultation.compiled_at,
        Consultation.opens_at,
        Consultation.deadline_at,
    )
    query = query.options(shown, joinedload(Consultation.review)).order_by(
        Consultation.deadline_at.desc(), Consultation.id.desc()
    )
    return paged(query, counted=True)


@cache
def _known_areas():
    return select(Review.area_kind, Review.area).distinct()


def known_areas() -> list[tuple[str, str]]:
    """Every (area kind, area) that some review uses, for the area filter."""
    return list(db.session.execute(_known_areas()).tuples().all())


# The statements that load a consultation by its slug, on nearly every page, are built once
# (on first use, when every model is mapped): SQLAlchemy keeps a built statement's cache
# key, which it otherwise works out again on each call.
@cache
def _by_slug(kind: str):
    query = select(Consultation).where(Consultation.slug == bindparam("slug"))
    if kind == "row":
        return query.options(joinedload(Consultation.staff))
    # The objectives' (and for the page, languages') codes come with the row, as strings:
    # one row, rather than the row repeated for each objective.
    numbers = select(joined_codes(cast(ConsultationObjective.number, String))).where(
        ConsultationObjective.consultation_id == Consultation.id
    )
    if kind == "dashboard":
        return query.options(
            with_expression(Consultation.objective_codes, _or_empty(numbers))
        ).execution_options(populate_existing=True)
    codes = select(joined_codes(ConsultationLanguage.code)).where(
        ConsultationLanguage.consultation_id == Consultation.id
    )
    return query.options(
        joinedload(Consultation.review),
        with_expression(Consultation.objective_codes, _or_empty(numbers)),
        with_expression(Consultation.language_codes, _or_empty(codes)),
    )


def _or_empty(joined):
    return func.coalesce(joined.scalar_subquery(), "")


# What a consultation's page shows besides its row and codes: its questions, and its
# documents with their files, each read by a statement built once (a `selectinload` builds
# its statement's cache key on every load). The staff are read only when a permission asks
# (visitors' and members' never do). Joining the questions to the row instead repeats the
# row for each question: measured no faster.
@cache
def _questions():
    return (
        select(GuidingQuestion)
        .where(GuidingQuestion.consultation_id == bindparam("consultation_id"))
        .order_by(GuidingQuestion.position)
    )


@cache
def _documents():
    return (
        select(ConsultationDocument)
        .where(ConsultationDocument.consultation_id == bindparam("consultation_id"))
        .options(joinedload(ConsultationDocument.file))  # each one's kind and size
        .order_by(ConsultationDocument.id)
    )


def _load_page_lists(consultation: Consultation) -> None:
    unloaded = inspect(consultation).unloaded
    values = {"consultation_id": consultation.id}
    for name, statement in (("questions", _questions), ("documents", _documents)):
        if name in unloaded:
            rows = list(db.session.scalars(statement(), values))
            set_committed_value(consultation, name, rows)


def consultation_row(slug: str) -> Consultation | None:
    """The consultation and its staff, enough to check who may see it, in one statement."""
    return db.session.execute(_by_slug("row"), {"slug": slug}).unique().scalar_one_or_none()


def consultation_for_dashboard(slug: str) -> Consultation:
    """The consultation with its objectives' codes (one statement), read again even when
    this request loaded it already, so a kept dashboard is never rendered from an older read."""
    return db.session.scalars(_by_slug("dashboard"), {"slug": slug}).one()


def consultation_for_page(slug: str) -> Consultation | None:
    """The consultation with what its page shows."""
    consultation = db.session.scalar(_by_slug("page"), {"slug": slug})
    if consultation is not None:
        _load_page_lists(consultation)
    return consultation


def _joined_organizations(consultation_id):
    return (
        select(Organization)
        .join(Participation, Participation.organization_id == Organization.id)
        .where(Participation.consultation_id == consultation_id, Participation.state == "joined")
    )


def _public(query):
    return query.where(Organization.listed.is_(True), Organization.verification == "verified")


# The consultation page's statements are built once, like `_by_slug`'s.
@cache
def _public_participants():
    query = _public(_joined_organizations(bindparam("consultation_id")))
    return query.order_by(Organization.name).limit(bindparam("limit"))


@cache
def _participant_counts():
    listed = func.count().filter(
        Organization.listed.is_(True), Organization.verification == "verified"
    )
    return (
        select(func.count(), listed)
        .select_from(Participation)
        .join(Organization, Organization.id == Participation.organization_id)
        .where(
            Participation.consultation_id == bindparam("consultation_id"),
            Participation.state == "joined",
        )
    )


def participant_counts(consultation: Consultation) -> tuple[int, int]:
    """(listed and verified, all others) among the organizations taking part: one count."""
    values = {"consultation_id": consultation.id}
    total, shown = db.session.execute(_participant_counts(), values).one()
    return shown, total - shown


@cache
def _public_participants_counted():
    counts = _participant_counts().subquery("counts")
    listed = _public_participants().subquery("listed")
    # The counts come once, beside each name; with no name to show, alone (outer join).
    # The names come as plain rows (id, name, verification), not Organization objects:
    # that is all a name with its badge needs.
    return (
        select(counts, listed.c.id, listed.c.name, listed.c.verification)
        .outerjoin(listed, true())
        .order_by(listed.c.name)
    )


def public_participants_and_counts(consultation: Consultation, limit: int) -> tuple[list, int, int]:
    """The consultation page's participants: up to `limit` listed, verified organizations
    by name (their id, name and verification), and the counts of
    `participant_counts`, in one statement."""
    values = {"consultation_id": consultation.id, "limit": limit}
    rows = db.session.execute(_public_participants_counted(), values).tuples().all()
    total, shown = rows[0][0], rows[0][1]
    # By position: a row's attribute by name costs a caught exception.
    names = [OrgName(*row[2:]) for row in rows if row[2] is not None]
    return names, shown, total - shown


def participants_page(consultation: Consultation, page: int, public_only: bool):
    query = _joined_organizations(consultation.id)
    query = _public(query) if public_only else query
    shown = load_only(
        Organization.id, Organization.name, Organization.listed, Organization.verification
    )
    query = query.options(shown).order_by(Organization.name, Organization.id)
    return db.paginate(query, page=page, per_page=50, error_out=False, count=True)


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
