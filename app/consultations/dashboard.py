"""What a facilitator sees at a glance: who takes part, where submissions stand, and which
objectives the sections address (so gaps in coverage show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import BindParameter, bindparam, func, literal, null, select, union_all
from sqlalchemy.orm import load_only

from app.consultations.models import Consultation, Participation
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.organizations.models import Organization
from app.pagination import paged, paginate_built
from app.reference import gcm
from app.submissions.states import SubmissionState


@dataclass
class Dashboard:
    participants: list = field(default_factory=list)
    submissions_by_state: dict[str, int] = field(default_factory=dict)
    coverage: list[tuple[int, str, int, bool]] = field(default_factory=list)
    deadlines: list[tuple[str, datetime]] = field(default_factory=list)
    submissions: list = field(default_factory=list)


def dashboard_data(consultation: Consultation, now: datetime, page: int = 1) -> Dashboard:
    data = Dashboard()
    participating, data.submissions_by_state = participant_and_submission_counts(consultation)
    data.participants = participants_page(consultation, page, participating)
    counts = section_counts_by_objective(consultation)
    in_scope = set(consultation.objectives)
    data.coverage = [
        (o.number, o.label, counts.get(o.number, 0), o.number in in_scope)
        for o in gcm.objectives()
        if o.number in in_scope or counts.get(o.number)
    ]
    total = sum(data.submissions_by_state.values())
    data.submissions = submission_rows(consultation, page, total)
    data.deadlines = upcoming_deadlines(consultation, now)
    return data


# Every statement of the dashboard is built once (on first use, when every model is
# mapped), with bound values: SQLAlchemy then reuses its cache key instead of working it
# out from the statement's parts on each view.


@cache
def _section_counts():
    from app.submissions.models import Section, SectionObjective, Submission

    return (
        select(SectionObjective.number, func.count(SectionObjective.section_id))
        .join(Section, Section.id == SectionObjective.section_id)
        .join(Submission, Submission.id == Section.submission_id)
        .where(
            Submission.consultation_id == bindparam("consultation_id"),
            # Written into the statement, not bound: PostgreSQL plans a prepared statement
            # once for any value, and a plan that does not know this one reads the
            # submissions' sections one by one (twice the time at 1,000 submissions).
            Submission.state != literal(SubmissionState.WITHDRAWN.value, literal_execute=True),
            Section.current_revision_id.is_not(None),
        )
        .group_by(SectionObjective.number)
    )


def section_counts_by_objective(consultation: Consultation) -> dict[int, int]:
    """Sections with text, per objective they address, in submissions that are not
    withdrawn (one query, whatever the number of submissions)."""
    values = {"consultation_id": consultation.id}
    return dict(db.session.execute(_section_counts(), values).tuples().all())


PAGE_SIZE = 50


@cache
def _participants():
    return paged(
        select(Participation.state, Organization)
        .join(Organization, Organization.id == Participation.organization_id)
        .where(Participation.consultation_id == bindparam("consultation_id"))
        .options(
            load_only(
                Organization.id, Organization.name, Organization.listed, Organization.verification
            )
        )
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


@cache
def _counts():
    from app.submissions.models import Submission

    consultation_id: BindParameter[int] = bindparam("consultation_id")
    participants = select(null(), func.count()).where(
        Participation.consultation_id == consultation_id
    )
    states = (
        select(Submission.state, func.count(Submission.id))
        .where(Submission.consultation_id == consultation_id)
        .group_by(Submission.state)
    )
    return union_all(participants, states)


def participant_and_submission_counts(consultation: Consultation) -> tuple[int, dict[str, int]]:
    """How many organizations are invited or take part, and the submissions in each state,
    in one statement (the participants' row is the one without a state)."""
    values = {"consultation_id": consultation.id}
    rows = db.session.execute(_counts(), values).tuples().all()
    by_state = {state: count for state, count in rows if state is not None}
    return next(count for state, count in rows if state is None), by_state


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
