"""What a facilitator sees at a glance: who takes part, where submissions stand, and which
objectives the sections address (so gaps in coverage show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from app.consultations.models import Consultation, Participation
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.organizations.models import Organization
from app.pagination import paginate_rows
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
    data.participants = participants_page(consultation, page)
    counts = section_counts_by_objective(consultation)
    in_scope = set(consultation.objectives)
    data.coverage = [
        (o.number, o.label, counts.get(o.number, 0), o.number in in_scope)
        for o in gcm.objectives()
        if o.number in in_scope or counts.get(o.number)
    ]
    data.submissions_by_state = submission_counts(consultation)
    total = sum(data.submissions_by_state.values())
    data.submissions = submission_rows(consultation, page, total)
    data.deadlines = upcoming_deadlines(consultation, now)
    return data


def section_counts_by_objective(consultation: Consultation) -> dict[int, int]:
    """Sections with text, per objective they address, in submissions that are not
    withdrawn (one query, whatever the number of submissions)."""
    from app.submissions.models import Section, SectionObjective, Submission

    query = (
        select(SectionObjective.number, func.count(SectionObjective.section_id))
        .join(Section, Section.id == SectionObjective.section_id)
        .join(Submission, Submission.id == Section.submission_id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.state != SubmissionState.WITHDRAWN,
            Section.current_revision_id.is_not(None),
        )
        .group_by(SectionObjective.number)
    )
    return dict(db.session.execute(query).tuples().all())


PAGE_SIZE = 50


def participants_page(consultation: Consultation, page: int):
    """Every organization invited or taking part (facilitators see unlisted ones too)."""
    query = (
        select(Participation.state, Organization)
        .join(Organization, Organization.id == Participation.organization_id)
        .where(Participation.consultation_id == consultation.id)
        .options(
            load_only(
                Organization.id, Organization.name, Organization.listed, Organization.verification
            )
        )
        .order_by(Organization.name, Organization.id)
    )
    return paginate_rows(query, page, PAGE_SIZE)


def submission_rows(consultation: Consultation, page: int, total: int | None = None):
    """Each submission's lead, state and deadline (not its text: drafts stay private)."""
    from app.submissions.models import Submission

    query = (
        select(
            Submission.id,
            Submission.state,
            Submission.deadline_extended_to,
            Organization.name.label("lead_name"),
        )
        .join(Organization, Organization.id == Submission.lead_organization_id)
        .where(Submission.consultation_id == consultation.id)
        .order_by(Submission.created_at, Submission.id)
    )
    return paginate_rows(query, page, PAGE_SIZE, total)


def submission_counts(consultation: Consultation) -> dict[str, int]:
    from app.submissions.models import Submission

    query = (
        select(Submission.state, func.count(Submission.id))
        .where(Submission.consultation_id == consultation.id)
        .group_by(Submission.state)
    )
    return dict(db.session.execute(query).tuples().all())


def upcoming_deadlines(consultation: Consultation, now: datetime) -> list[tuple[str, datetime]]:
    from app.submissions.models import Submission

    moments = [
        (str(_l("Opens for drafting")), consultation.opens_at),
        (str(_l("Deadline for submissions")), consultation.deadline_at),
        (str(_l("Review meeting")), consultation.review_meeting_at),
    ]
    extended = db.session.execute(
        select(Submission.deadline_extended_to, Organization.name)
        .join(Organization, Organization.id == Submission.lead_organization_id)
        .where(Submission.consultation_id == consultation.id, Submission.deadline_extended_to > now)
    ).all()
    moments += [(str(_l("Extended deadline: %(org)s", org=name)), at) for at, name in extended]
    return sorted(((label, at) for label, at in moments if at and at > now), key=lambda m: m[1])
