"""What a facilitator sees at a glance: who takes part, where submissions stand, and which
objectives the sections address (so gaps in coverage show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import (
    BindParameter,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from app.consultations.models import Consultation, Participation
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.organizations.models import Organization
from app.pagination import paged, paginate_built
from app.reference import gcm


@dataclass
class Dashboard:
    participants: list = field(default_factory=list)
    submissions_by_state: dict[str, int] = field(default_factory=dict)
    coverage: list[tuple[int, str, int, bool]] = field(default_factory=list)
    deadlines: list[tuple[str, datetime]] = field(default_factory=list)
    submissions: list = field(default_factory=list)


def dashboard_data(consultation: Consultation, now: datetime, page: int = 1) -> Dashboard:
    data = Dashboard()
    counts = dashboard_counts(consultation)
    data.submissions_by_state = counts.submissions_by_state
    data.participants = participants_page(consultation, page, counts.participants)
    in_scope = set(consultation.objectives)
    covered = counts.sections_by_objective
    data.coverage = [
        (o.number, o.label, covered.get(o.number, 0), o.number in in_scope)
        for o in gcm.objectives()
        if o.number in in_scope or covered.get(o.number)
    ]
    total = sum(data.submissions_by_state.values())
    data.submissions = submission_rows(consultation, page, total)
    data.deadlines = upcoming_deadlines(consultation, now)
    return data


# Every statement of the dashboard is built once (on first use, when every model is
# mapped), with bound values: SQLAlchemy then reuses its cache key instead of working it
# out from the statement's parts on each view.


PAGE_SIZE = 50


@cache
def _participants():
    # Plain rows, not Organization objects: the lines need four values of each.
    return paged(
        select(
            Participation.state,
            Organization.id,
            Organization.name,
            Organization.listed,
            Organization.verification,
        )
        .join(Organization, Organization.id == Participation.organization_id)
        .where(Participation.consultation_id == bindparam("consultation_id"))
        .order_by(Organization.name, Organization.id)
    )


def participants_page(consultation: Consultation, page: int, total: int):
    """Every organization invited or taking part (facilitators see unlisted ones too). The
    total is counted apart: with it beside each row, every participant was joined and
    sorted for a page of 50; without it, the planner walks the names in order."""
    values = {"consultation_id": consultation.id}
    return paginate_built(_participants(), values, page, PAGE_SIZE, total)


@cache
def _submissions():
    from app.submissions.models import Submission

    return paged(
        select(
            Submission.id,
            Submission.state,
            Submission.deadline_extended_to,
            Organization.name.label("lead_name"),
        )
        .join(Organization, Organization.id == Submission.lead_organization_id)
        .where(Submission.consultation_id == bindparam("consultation_id"))
        .order_by(Submission.created_at, Submission.id)
    )


def submission_rows(consultation: Consultation, page: int, total: int):
    """Each submission's lead, state and deadline (not its text: drafts stay private)."""
    values = {"consultation_id": consultation.id}
    return paginate_built(_submissions(), values, page, PAGE_SIZE, total)


@dataclass
class Counts:
    participants: int
    submissions_by_state: dict[str, int]
    sections_by_objective: dict[int, int]


@cache
def _counts():
    from app.submissions.models import ObjectiveCoverage, Submission

    consultation_id: BindParameter[int] = bindparam("consultation_id")
    participants = select(literal("participants"), null(), func.count()).where(
        Participation.consultation_id == consultation_id
    )
    states = (
        select(literal("state"), Submission.state, func.count(Submission.id))
        .where(Submission.consultation_id == consultation_id)
        .group_by(Submission.state)
    )
    # Kept up to date as sections change (app/submissions/coverage.py): a row per
    # objective, not a count of every section.
    coverage = select(
        literal("objective"), cast(ObjectiveCoverage.number, String), ObjectiveCoverage.sections
    ).where(ObjectiveCoverage.consultation_id == consultation_id)
    return union_all(participants, states, coverage)


def dashboard_counts(consultation: Consultation) -> Counts:
    """How many organizations are invited or take part, the submissions in each state, and
    the sections with text per objective (in submissions not withdrawn), in one statement."""
    values = {"consultation_id": consultation.id}
    counts = Counts(0, {}, {})
    for kind, key, count in db.session.execute(_counts(), values).tuples():
        if kind == "participants":
            counts.participants = count
        elif kind == "state":
            counts.submissions_by_state[key] = count
        else:
            counts.sections_by_objective[int(key)] = count
    return counts


@cache
def _extended_deadlines():
    from app.submissions.models import Submission

    return (
        select(Submission.deadline_extended_to, Organization.name)
        .join(Organization, Organization.id == Submission.lead_organization_id)
        .where(
            Submission.consultation_id == bindparam("consultation_id"),
            Submission.deadline_extended_to > bindparam("now"),
        )
    )


def upcoming_deadlines(consultation: Consultation, now: datetime) -> list[tuple[str, datetime]]:
    moments = [
        (str(_l("Opens for drafting")), consultation.opens_at),
        (str(_l("Deadline for submissions")), consultation.deadline_at),
        (str(_l("Review meeting")), consultation.review_meeting_at),
    ]
    values = {"consultation_id": consultation.id, "now": now}
    extended = db.session.execute(_extended_deadlines(), values).all()
    moments += [(str(_l("Extended deadline: %(org)s", org=name)), at) for at, name in extended]
    return sorted(((label, at) for label, at in moments if at and at > now), key=lambda m: m[1])
