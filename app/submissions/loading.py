"""Load a submission with everything its pages show, in a fixed number of queries."""

from __future__ import annotations

from functools import cache

from flask import abort
from flask_login import current_user
from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from app.consultations.models import Consultation
from app.extensions import db
from app.organizations.models import Organization
from app.policy import may, readable_edition, require
from app.submissions.models import (
    Coauthor,
    Comment,
    Endorsement,
    Section,
    SectionObjective,
    Submission,
)


def writers_and_text():
    """Loader options for a submission's writers (with their countries), endorsers and the
    current text of every section: what its pages and the compiled inputs show."""
    return (
        joinedload(Submission.lead_organization).selectinload(Organization.country_rows),
        selectinload(Submission.coauthors)
        .joinedload(Coauthor.organization)
        .selectinload(Organization.country_rows),
        selectinload(Submission.sections).options(
            joinedload(Section.question),
            joinedload(Section.current_revision),
            selectinload(Section.objective_rows),
        ),
        selectinload(Submission.endorsements)
        .joinedload(Endorsement.organization)
        .selectinload(Organization.country_rows),
    )


def submission_query(*conditions):
    return (
        select(Submission)
        .where(*conditions)
        .options(
            joinedload(Submission.consultation).selectinload(Consultation.staff),
            selectinload(Submission.sign_offs),
            selectinload(Submission.attachments),
            *writers_and_text(),
        )
    )


def load_submission(submission_id: int, action: str = "submission.view") -> Submission:
    """The submission, or 404 when this person may not see it, or 403.

    Facilitators deciding on a submission (e.g. extending a draft's deadline) need not
    be able to read it: for them the action alone is checked.
    """
    submission = db.session.scalar(submission_query(Submission.id == submission_id))
    if submission is None:
        abort(404)
    if action == "submission.decide" and may(current_user, action, submission):
        return submission
    if not may(current_user, "submission.view", submission):
        abort(404)
    require(current_user, action, submission)
    return submission


def load_submission_to_read(submission_id: int) -> tuple[Submission, str | None]:
    """The submission and how this person reads it: None for the whole submission (its
    writers and deciding facilitators), else the edition whose credit line is all they
    may learn about who wrote it ("restricted" for UN reviewers, "public" for others).
    404 when they may not read it at all, exactly as for an id that does not exist."""
    submission = db.session.scalar(submission_query(Submission.id == submission_id))
    if submission is None:
        abort(404)
    edition = readable_edition(current_user, submission)
    if edition is None:
        abort(404)
    return submission, None if edition == "whole" else edition


def load_section(submission: Submission, key: str) -> Section:
    section = submission.section(key)
    if section is None:
        abort(404)
    return section


def load_for_editor(
    submission_id: int, key: str, action: str = "submission.view"
) -> tuple[Submission, Section]:
    """The submission and one of its sections, with only what the section's editor pages
    show and decide with: the consultation's dates (its staff are read when asked for: a
    facilitator reading a sent text), the co-authors (who writes it), and the section with
    its question, current text, objectives and whether it has comments. One statement, and
    the same answers as load_submission then load_section (404, then 403, then 404)."""
    params = {"submission_id": submission_id, "key": key}
    found = db.session.execute(_editor_statement(), params).unique().first()
    if found is None:
        abort(404)
    submission, section = found
    if not may(current_user, "submission.view", submission):
        abort(404)
    require(current_user, action, submission)
    if section is None:
        abort(404)
    return submission, section


@cache
def _editor_statement():
    """Built once: a statement reused with new parameters skips building its cache key."""
    numbers = func.aggregate_strings(cast(SectionObjective.number, String), ",")
    objectives = select(numbers).where(SectionObjective.section_id == Section.id)
    return (
        select(Submission, Section)
        .outerjoin(
            Section,
            (Section.submission_id == Submission.id) & (Section.key == bindparam("key")),
        )
        .where(Submission.id == bindparam("submission_id"))
        .options(
            joinedload(Submission.consultation).load_only(
                Consultation.opens_at, Consultation.deadline_at
            ),
            joinedload(Submission.coauthors),
            joinedload(Section.question),
            joinedload(Section.current_revision),
            # "6,14", "" for none: see Section.objectives.
            with_expression(
                Section.objective_numbers, func.coalesce(objectives.scalar_subquery(), "")
            ),
            with_expression(
                Section.has_comments,
                select(Comment.id).where(Comment.section_id == Section.id).exists(),
            ),
        )
    )


def load_section_for_saving(submission_id: int, key: str) -> tuple[Submission, int]:
    """The submission and the id of a section this person may write to, without the texts.

    Saving is the hottest path (autosave): it loads only what the permission check needs.
    """
    submission = db.session.scalar(
        select(Submission)
        .where(Submission.id == submission_id)
        .options(joinedload(Submission.consultation), joinedload(Submission.coauthors))
    )
    if submission is None or not may(current_user, "submission.view", submission):
        abort(404)
    require(current_user, "submission.edit", submission)
    section_id = db.session.scalar(
        select(Section.id).where(Section.submission_id == submission.id, Section.key == key)
    )
    if section_id is None:
        abort(404)
    return submission, section_id
