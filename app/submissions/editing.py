"""Saving a section: every save is a revision, and a stale save is merged, never lost.

The save runs in one transaction: the section row is locked (SELECT ... FOR UPDATE on
PostgreSQL) and its version is checked when it is written, so two saves that race can
neither both win nor overwrite each other. The caller retries when the version moved.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup, escape
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.models import User
from app.database import rowcount
from app.extensions import db
from app.submissions.coverage import KEEPS_COUNTS, count_again
from app.submissions.merge import merge_texts, tokens
from app.submissions.models import EditingPresence, Revision, Section

MAX_BODY = 200_000
PRESENCE_WINDOW = timedelta(seconds=60)


class SectionLocked(Exception):
    """The deadline has passed, or the submission is not being drafted."""


class UnknownBase(Exception):
    """The base revision does not belong to this section."""


class VersionMoved(Exception):
    """Another save wrote the section between our read and our write: try again."""


@dataclass
class SaveResult:
    revision: Revision | None  # None only when an empty section was saved empty
    merged: bool
    # The person's own text as a revision (when it was merged with others' changes).
    own_revision: Revision | None = None


class MergeConflict(Exception):
    def __init__(self, current: Revision | None, kept: Revision):
        super().__init__("the change overlaps with what was saved since")
        self.current = current
        self.kept = kept


def lock_section(section_id: int) -> Section:
    """Read the section for writing: a row lock on PostgreSQL; on SQLite, a no-op write
    first, which takes the database's write lock (waiting for it), like BEGIN IMMEDIATE."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Section)
            .where(Section.id == section_id)
            .values(version=Section.version)
            .execution_options(**KEEPS_COUNTS)  # nothing counted changes
        )
    section = db.session.scalars(
        select(Section)
        .where(Section.id == section_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return section


def save_section(user, section_id: int, body: str, base_id: int | None, now: datetime):
    section = lock_section(section_id)
    _check_editable(section, now)
    current = section.current_revision
    current_text = current.body if current else ""
    if body == current_text:  # a repeated save (a retry after a dropped connection)
        return SaveResult(current, merged=False)
    base = _base_revision(section, base_id)
    if (base.id if base else None) == (current.id if current else None):
        revision = _add(section, user, body, base, "edit", now)
        _advance(section, revision, now)
        return SaveResult(revision, merged=False)
    result = merge_texts(base.body if base else "", body, current_text)
    if result.conflict:
        kept = _add(section, user, body, base, "conflict", now)
        raise MergeConflict(current, kept)
    own = _add(section, user, body, base, "edit", now)
    merged = _add(section, user, result.text, current, "merge", now)
    _advance(section, merged, now)
    return SaveResult(merged, merged=True, own_revision=own)


def _check_editable(section: Section, now: datetime) -> None:
    if not section.submission.is_editable(now):
        raise SectionLocked


def _base_revision(section: Section, base_id: int | None) -> Revision | None:
    return None if base_id is None else _revision_of(section, base_id)


def _revision_of(section: Section, revision_id: int) -> Revision:
    found = db.session.get(Revision, revision_id)
    if found is None or found.section_id != section.id:
        raise UnknownBase
    return found


def _add(section, user, body, base, kind, now) -> Revision:
    revision = Revision(
        section_id=section.id,
        author_id=getattr(user, "id", None),
        body=body,
        base_revision_id=base.id if base else None,
        kind=kind,
        created_at=now,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def _advance(section: Section, revision: Revision, now: datetime) -> None:
    """Make the revision current, only if nobody else did in the meantime."""
    moved = db.session.execute(
        update(Section)
        .where(Section.id == section.id, Section.version == section.version)
        .values(current_revision_id=revision.id, version=Section.version + 1, updated_at=now)
        .execution_options(synchronize_session=False, **KEEPS_COUNTS)
    )
    if rowcount(moved) != 1:
        raise VersionMoved
    if section.current_revision_id is None:  # its first text: the dashboard's coverage
        count_again(db.session, [section.submission.consultation_id])
    # Mirror the write in memory without making the object dirty (no second UPDATE).
    set_committed_value(section, "version", section.version + 1)
    set_committed_value(section, "current_revision_id", revision.id)
    set_committed_value(section, "current_revision", revision)


def restore_revision(user, section_id: int, revision_id: int, now: datetime) -> Revision:
    """Bring an older text back as a new revision (history is never rewritten)."""
    section = lock_section(section_id)
    _check_editable(section, now)
    old = _revision_of(section, revision_id)
    revision = _add(section, user, old.body, section.current_revision, "restore", now)
    _advance(section, revision, now)
    return revision


# --- Who else is editing -----------------------------------------------------------------


def mark_present(user, section_id: int, now: datetime) -> None:
    """One UPDATE in the usual case; an INSERT the first time."""
    touched = db.session.execute(
        update(EditingPresence)
        .where(EditingPresence.section_id == section_id, EditingPresence.user_id == user.id)
        .values(seen_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(touched) == 0:
        db.session.add(EditingPresence(section_id=section_id, user_id=user.id, seen_at=now))


def others_editing(user, section: Section, now: datetime) -> list[str]:
    """The names of the others who have the section open: one statement however many."""
    names = db.session.scalars(
        select(User.display_name)
        .select_from(EditingPresence)
        .join(EditingPresence.user)
        .where(
            EditingPresence.section_id == section.id,
            EditingPresence.user_id != user.id,
            EditingPresence.seen_at > now - PRESENCE_WINDOW,
        )
    )
    return sorted(names)


# --- Differences between revisions -------------------------------------------------------


def word_diff(old: str, new: str) -> Markup:
    """A readable diff: removed words in <del>, added words in <ins>, all text escaped."""
    before, after = tokens(old), tokens(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(before[a1:a2]))))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return Markup("".join(parts))
