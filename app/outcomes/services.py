"""Recording what a review did with the inputs, and reading it back per person.

Who sees what follows the attribution rule (DESIGN section 4): anyone may see the uptake of
texts that are in a published public edition, credited as that edition credits them; a
submission's own organizations see their submission's uptake whatever its attribution; the
consultation's staff see all of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import record_event
from app.extensions import db
from app.outcomes.models import UPTAKE_STATUSES, OutcomeDocument, Uptake
from app.submissions.models import Section, Submission
from app.submissions.states import SubmissionState


class ReasonNeeded(Exception):
    """ "Not taken up" needs a reason, so the organization learns why."""


class NoSuchParagraph(Exception):
    """The submission has fewer paragraphs than the number given."""


def paragraphs_of(submission: Submission) -> list[tuple[int, Section, str]]:
    """Every paragraph of the submission, numbered from 1 across its sections in order
    (as cited: ¶3 is the third paragraph of the submission)."""
    from app.compilations.content import paragraphs

    numbered, number = [], 0
    for section in submission.ordered_sections():
        for text in paragraphs(section.text):
            number += 1
            numbered.append((number, section, text))
    return numbered


def add_document(user, consultation, now: datetime, **fields) -> OutcomeDocument:
    document = OutcomeDocument(consultation_id=consultation.id, created_at=now, **fields)
    db.session.add(document)
    db.session.flush()
    record_event(user, "outcome.document_added", consultation, now=now, document=document.id)
    return document


def remove_document(user, document: OutcomeDocument, now: datetime) -> None:
    record_event(user, "outcome.document_removed", None, now=now, document=document.id)
    db.session.delete(document)


def set_uptake(
    user,
    submission: Submission,
    now: datetime,
    *,
    paragraph: int | None,
    status: str,
    outcome_reference: str | None,
    reason: str | None,
    document: OutcomeDocument | None,
) -> Uptake:
    """Record (or change) how the review took up a submission or one of its paragraphs,
    and tell the organizations that wrote it when anything changed."""
    if status not in UPTAKE_STATUSES:
        raise ValueError(status)
    if status == "not-taken-up" and not (reason or "").strip():
        raise ReasonNeeded
    if paragraph is not None and paragraph > len(paragraphs_of(submission)):
        raise NoSuchParagraph
    uptake = db.session.scalar(
        select(Uptake).where(Uptake.submission_id == submission.id, Uptake.paragraph == paragraph)
        if paragraph is not None
        else select(Uptake).where(Uptake.submission_id == submission.id, Uptake.paragraph.is_(None))
    )
    if uptake is None:
        uptake = Uptake(
            consultation_id=submission.consultation_id,
            submission_id=submission.id,
            paragraph=paragraph,
        )
        db.session.add(uptake)
    before = (uptake.status, uptake.outcome_reference, uptake.reason, uptake.document_id)
    uptake.status, uptake.outcome_reference = status, (outcome_reference or "").strip() or None
    uptake.reason = (reason or "").strip() or None
    uptake.document_id, uptake.recorded_at = (document.id if document else None), now
    db.session.flush()
    if before != (uptake.status, uptake.outcome_reference, uptake.reason, uptake.document_id):
        record_event(user, "outcome.uptake_recorded", submission, now=now, status=status)
        _tell_writers(submission, now)
    return uptake


def _tell_writers(submission: Submission, now: datetime) -> None:
    from flask import url_for

    from app.notifications.services import notify_all
    from app.submissions.services import _people

    notify_all(
        _people(submission, ("owner", "editor", "viewer")),
        "outcome.recorded",
        now,
        url_for("submissions.view", submission_id=submission.id) + "#outcome",
        consultation=submission.consultation.title,
    )


# --- Reading ---------------------------------------------------------------------------------


def documents_of(consultation) -> list[OutcomeDocument]:
    return list(
        db.session.scalars(
            select(OutcomeDocument)
            .where(OutcomeDocument.consultation_id == consultation.id)
            .options(joinedload(OutcomeDocument.file))
            .order_by(OutcomeDocument.issued_on, OutcomeDocument.id)
        )
    )


def uptakes_of(submission_ids) -> dict[int, list[Uptake]]:
    """Each submission's uptake records: the whole submission first, then by paragraph."""
    found: dict[int, list[Uptake]] = defaultdict(list)
    if not submission_ids:
        return found
    rows = db.session.scalars(
        select(Uptake)
        .where(Uptake.submission_id.in_(submission_ids))
        .options(joinedload(Uptake.document))
    )
    for uptake in rows:
        found[uptake.submission_id].append(uptake)
    for records in found.values():
        records.sort(key=lambda u: (u.paragraph is not None, u.paragraph or 0))
    return found


def published_submission_ids(consultation) -> set[int]:
    """Submissions in the public edition of any published version."""
    from app.compilations.models import Compilation

    ids: set[int] = set()
    versions = db.session.scalars(
        select(Compilation.contents).where(
            Compilation.consultation_id == consultation.id, Compilation.published_at.is_not(None)
        )
    )
    for contents in versions:
        for key, entry in (contents or {}).items():
            if entry.get("attribution") != "confidential":
                ids.add(int(key))
    return ids


def accepted_submissions(consultation) -> list[Submission]:
    from app.submissions.loading import writers_and_text

    return list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.consultation_id == consultation.id,
                Submission.state == SubmissionState.ACCEPTED,
            )
            .options(*writers_and_text())
            .order_by(Submission.id)
        )
    )


@dataclass
class Row:
    """One submission on the outcome page, as this reader may see it."""

    submission: Submission
    credit: str
    uptakes: list[Uptake]
    paragraph_count: int

    @property
    def whole(self) -> Uptake | None:
        return next((u for u in self.uptakes if u.paragraph is None), None)

    @property
    def status(self) -> str:
        return self.whole.status if self.whole else "pending"


def rows_for(reader, consultation, submissions: list[Submission]) -> list[Row]:
    """The submissions this reader may see on the outcome page, with their credit lines."""
    from app.policy import may
    from app.submissions.attribution import Anonymity, submission_credit, unnamed_organizations

    published = published_submission_ids(consultation)
    staff = may(reader, "outcome.read_all", consultation)
    public = Anonymity(unnamed_organizations(submissions, "public"))
    restricted = Anonymity(unnamed_organizations(submissions, "restricted"))
    uptakes = uptakes_of([s.id for s in submissions])
    rows = []
    for submission in submissions:
        if may(reader, "submission.view", submission):
            credit = submission.lead_organization.name
        elif staff:
            credit = submission_credit(submission, "restricted", restricted)
        elif submission.id in published and submission.effective_attribution() != "confidential":
            credit = submission_credit(submission, "public", public)
        else:
            continue
        count = len(paragraphs_of(submission))
        rows.append(Row(submission, credit, uptakes.get(submission.id, []), count))
    return rows


def objectives_of(row: Row, uptake: Uptake | None) -> list[int]:
    """The GCM objectives a submission (or one paragraph of it) addresses."""
    sections = row.submission.ordered_sections()
    if uptake is not None and uptake.paragraph is not None:
        numbered = paragraphs_of(row.submission)
        sections = [s for number, s, _text in numbered if number == uptake.paragraph]
    found: set[int] = set()
    for section in sections:
        if section.text.strip():
            found.update(section.objectives or section.question.objectives)
    return sorted(found)


def progress_by_objective(consultation, rows: list[Row]) -> list[dict]:
    """Per GCM objective in scope (and any other one addressed): how many submissions the
    review reflected, partly reflected, did not take up, or has not decided on yet."""
    from app.reference import gcm

    counts: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        for objective in objectives_of(row, row.whole):
            counts[objective][row.status] += 1
    in_scope = set(consultation.objectives)
    return [
        {
            "objective": objective.number,
            "title": objective.label,
            "counts": {status: counts[objective.number][status] for status in UPTAKE_STATUSES},
            "total": sum(counts[objective.number].values()),
        }
        for objective in gcm.objectives()
        if objective.number in in_scope or counts.get(objective.number)
    ]
