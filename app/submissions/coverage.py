"""The dashboard's coverage of GCM objectives, kept up to date (issue 19).

`objective_coverage` holds, per consultation, how many sections with text address each
objective, withdrawn submissions left out. Counting that from the sections on each view of
the dashboard read every section of the consultation (3 to 4 ms of PostgreSQL at 1,000
submissions, growing with them); the counts change far more rarely than the page is seen.

A consultation is counted again, in the same transaction, whenever something that a count
depends on changes:
- through the objects (a flush): a section gets its first text or loses it, its objectives
  change, a section or submission is deleted, a submission's state changes, a revision is
  deleted (a section pointing at it loses its text);
- through a bulk statement on those tables: every consultation is counted again at commit,
  unless the statement says it keeps the counts itself (`KEEPS_COUNTS`), as the editor's
  save does (`count_again` when a section gets its first text).
Database cascades need nothing more: deleting a submission or section happens through one
of the above, and a consultation's counts go with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, event, func, insert, literal, select
from sqlalchemy.orm import Session, attributes, scoped_session

from app.db import written_table
from app.submissions.models import (
    ObjectiveCoverage,
    Revision,
    Section,
    SectionObjective,
    Submission,
)
from app.submissions.states import SubmissionState

# Execution option of a bulk statement whose writer keeps the counts itself.
KEEPS_COUNTS = {"keeps_coverage_counts": True}

COUNTED_FROM = {"submissions", "sections", "section_objectives", "revisions"}
_ALL = "coverage_count_everything"


def _counted(consultation_ids=None):
    """Sections with text per consultation and objective, as rows of objective_coverage."""
    query = (
        select(
            Submission.consultation_id,
            SectionObjective.number,
            func.count(SectionObjective.section_id),
        )
        .join(Section, Section.id == SectionObjective.section_id)
        .join(Submission, Submission.id == Section.submission_id)
        .where(
            Submission.state != literal(SubmissionState.WITHDRAWN.value, literal_execute=True),
            Section.current_revision_id.is_not(None),
        )
        .group_by(Submission.consultation_id, SectionObjective.number)
    )
    if consultation_ids is not None:
        query = query.where(Submission.consultation_id.in_(consultation_ids))
    return query


def count_again(session: Session | scoped_session, consultation_ids: Iterable[int] | None) -> None:
    """Count the consultations' coverage from their sections (None: every consultation).
    Core statements on the session's connection: no flush, no ORM events."""
    ids = None if consultation_ids is None else sorted(set(consultation_ids))
    if ids == []:
        return
    connection = session.connection()
    removed = delete(ObjectiveCoverage)
    if ids is not None:
        removed = removed.where(ObjectiveCoverage.consultation_id.in_(ids))
    connection.execute(removed)
    columns = [
        ObjectiveCoverage.consultation_id,
        ObjectiveCoverage.number,
        ObjectiveCoverage.sections,
    ]
    connection.execute(insert(ObjectiveCoverage).from_select(columns, _counted(ids)))


@event.listens_for(Session, "after_flush")
def _count_after_flush(session: Session, _flush_context) -> None:
    """After a flush (its rows written, its objects' history still there), count again the
    consultations whose counts it may have changed."""
    submissions: set[int] = set()
    sections: set[int] = set()
    consultations: set[int] = set()
    for obj in session.deleted:
        _note_deleted(obj, consultations, submissions, sections)
    for obj in session.new:
        _note_new(obj, submissions, sections)
    for obj in session.dirty:
        _note_changed(obj, consultations, submissions)
    consultations |= _consultations_of(session, submissions, sections)
    count_again(session, consultations)


def _note_deleted(obj, consultations: set, submissions: set, sections: set) -> None:
    if isinstance(obj, Submission):
        consultations.add(obj.consultation_id)
    elif isinstance(obj, Section):
        submissions.add(obj.submission_id)
    elif isinstance(obj, SectionObjective | Revision):
        sections.add(obj.section_id)


def _note_new(obj, submissions: set, sections: set) -> None:
    if isinstance(obj, Section) and obj.current_revision_id is not None:
        submissions.add(obj.submission_id)
    elif isinstance(obj, SectionObjective):
        sections.add(obj.section_id)


def _note_changed(obj, consultations: set, submissions: set) -> None:
    if isinstance(obj, Submission) and _changed(obj, "state"):
        consultations.add(obj.consultation_id)
    elif isinstance(obj, Section) and (_text_came_or_went(obj) or _changed(obj, "objective_rows")):
        # Objectives taken off a section are deleted as orphans during the flush: they
        # are not among the session's deleted objects, but the collection's history is.
        submissions.add(obj.submission_id)


def _changed(obj, name: str) -> bool:
    return attributes.get_history(obj, name, passive=attributes.PASSIVE_NO_INITIALIZE).has_changes()


def _text_came_or_went(section: Section) -> bool:
    """Whether the section went from no text to text or back (a new revision of a text it
    already had changes no count)."""
    history = attributes.get_history(
        section, "current_revision_id", passive=attributes.PASSIVE_NO_INITIALIZE
    )
    if not history.has_changes():
        return False
    if not history.deleted:  # the value before was not loaded: count again to be sure
        return True
    return (history.deleted[0] is None) != (section.current_revision_id is None)


def _consultations_of(session: Session, submissions: set, sections: set) -> set[int]:
    """The consultations of these submissions and sections (those still in the database;
    a deleted section's submission is noted by the caller)."""
    found: set[int] = set()
    if submissions:
        query = select(Submission.consultation_id).where(Submission.id.in_(submissions))
        found |= set(session.connection().scalars(query))
    if sections:
        query = (
            select(Submission.consultation_id)
            .join(Section, Section.submission_id == Submission.id)
            .where(Section.id.in_(sections))
        )
        found |= set(session.connection().scalars(query))
    return found


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(orm_execute_state) -> None:
    """A bulk INSERT, UPDATE or DELETE on a counted table: count everything at commit."""
    if written_table(orm_execute_state) not in COUNTED_FROM:
        return
    if orm_execute_state.execution_options.get("keeps_coverage_counts"):
        return
    orm_execute_state.session.info[_ALL] = True


@event.listens_for(Session, "before_commit")
def _count_everything_before_commit(session: Session) -> None:
    if session.info.pop(_ALL, False):
        count_again(session, None)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_ALL, None)
