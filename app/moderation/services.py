"""Flags, hiding and unhiding, for comments and board contributions alike.

Each kind of text is wrapped in a Target, so the queue, the policy and the audit trail
treat them the same way. Every action is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.models import AuditEvent
from app.audit.services import record_event
from app.extensions import db
from app.moderation.models import Flag
from app.notifications.services import notify, notify_all

if TYPE_CHECKING:
    from app.consultations.models import Consultation
    from app.sessions.models import ConsultationSession

KINDS = ("comment", "contribution")
ACTIONS = (
    "moderation.flagged",
    "moderation.hidden",
    "moderation.unhidden",
    "moderation.dismissed",
    "board.approved",
    "board.merged",
    "board.pinned",
    "board.unpinned",
)


class AlreadyFlagged(Exception):
    """This person already has an open flag on this text."""


@dataclass
class Target:
    kind: str
    # A Comment or a Contribution, as kind says (a union would not follow kind).
    obj: Any
    consultation: Consultation

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def author_id(self) -> int | None:
        return self.obj.author_id

    @property
    def body(self) -> str:
        return self.obj.body

    @property
    def hidden(self) -> bool:
        if self.kind == "comment":
            return self.obj.hidden_reason is not None
        return self.obj.state == "hidden"

    @property
    def hidden_reason(self) -> str | None:
        return self.obj.hidden_reason

    def obj_session(self) -> ConsultationSession:
        from app.sessions.models import ConsultationSession

        return db.session.get_one(ConsultationSession, self.obj.session_id)

    def url(self) -> str:
        if self.kind == "comment":
            section = self.obj.section
            return url_for(
                "submissions.section",
                submission_id=section.submission_id,
                key=section.key,
                _anchor=f"comment-{self.id}",
            )
        return url_for("sessions.board", session_id=self.obj.session_id, _anchor=f"c-{self.id}")


def load_target(kind: str, target_id: int) -> Target | None:
    if kind == "comment":
        from app.submissions.models import Comment

        comment = db.session.get(Comment, target_id)
        if comment is None:
            return None
        return Target(kind, comment, comment.section.submission.consultation)
    if kind == "contribution":
        from app.sessions.models import ConsultationSession, Contribution

        contribution = db.session.get(Contribution, target_id)
        if contribution is None:
            return None
        session = db.session.get_one(ConsultationSession, contribution.session_id)
        return Target(kind, contribution, session.consultation)
    return None


def flag(user, target: Target, reason: str, details: str, now: datetime) -> Flag:
    if _open_flags(target, reporter_id=user.id):
        raise AlreadyFlagged
    new = Flag(
        consultation_id=target.consultation.id,
        target_type=target.kind,
        target_id=target.id,
        reporter_id=user.id,
        reason=reason,
        details=details,
        created_at=now,
    )
    db.session.add(new)
    _record(user, "moderation.flagged", target, now, reason=reason)
    facilitators = [s.user for s in target.consultation.staff if s.role == "facilitator"]
    notify_all(
        facilitators,
        "moderation.flagged",
        now,
        url_for("moderation.queue", slug=target.consultation.slug),
        consultation=target.consultation.title,
    )
    return new


def hide(user, target: Target, reason: str, now: datetime) -> None:
    target.obj.hidden_reason = reason
    if target.kind == "contribution":
        target.obj.state, target.obj.pinned = "hidden", False
    _resolve_flags(target, "hidden", now)
    _record(user, "moderation.hidden", target, now)
    _tell_author(target, "moderation.hidden", now, reason=reason)


def unhide(user, target: Target, reason: str, now: datetime) -> None:
    target.obj.hidden_reason = None
    if target.kind == "contribution":
        target.obj.state = "approved"
    _record(user, "moderation.unhidden", target, now)
    _tell_author(target, "moderation.unhidden", now, reason=reason)


def dismiss(user, target: Target, now: datetime) -> None:
    """The flags were looked at and the text stays as it is."""
    _resolve_flags(target, "dismissed", now)
    _record(user, "moderation.dismissed", target, now)


def _record(user, action: str, target: Target, now: datetime, **details) -> None:
    record_event(
        user,
        action,
        target.obj,
        now=now,
        consultation=target.consultation.id,
        kind=target.kind,
        **details,
    )
    if target.kind == "contribution":
        from app.sessions.board import touch

        touch(target.obj_session())


def _tell_author(target: Target, kind: str, now: datetime, reason: str) -> None:
    from app.auth.models import User

    author = db.session.get(User, target.author_id) if target.author_id else None
    if author is not None:
        text_kind = "comment" if target.kind == "comment" else "contribution"
        notify(author, kind, now, target.url(), text=text_kind, reason=reason)


def _open_flags(target: Target, reporter_id: int | None = None) -> list[Flag]:
    query = select(Flag).where(
        Flag.target_type == target.kind,
        Flag.target_id == target.id,
        Flag.resolved_at.is_(None),
    )
    if reporter_id is not None:
        query = query.where(Flag.reporter_id == reporter_id)
    return list(db.session.scalars(query))


def _resolve_flags(target: Target, outcome: str, now: datetime) -> None:
    for open_flag in _open_flags(target):
        open_flag.resolved_at, open_flag.outcome = now, outcome


# --- The queue -------------------------------------------------------------------------------


@dataclass
class QueueItem:
    target: Target
    flags: list[Flag]


def queue(consultation) -> list[QueueItem]:
    """Flagged texts waiting for a decision, the most flagged first."""
    query = (
        select(Flag)
        .where(Flag.consultation_id == consultation.id, Flag.resolved_at.is_(None))
        .order_by(Flag.created_at)
    )
    grouped: dict[tuple[str, int], list[Flag]] = {}
    for open_flag in db.session.scalars(query):
        grouped.setdefault((open_flag.target_type, open_flag.target_id), []).append(open_flag)
    targets = _queued_targets(consultation, grouped)
    items = [QueueItem(targets[key], flags) for key, flags in grouped.items() if key in targets]
    return sorted(items, key=lambda item: -len(item.flags))


def _queued_targets(consultation, keys) -> dict[tuple[str, int], Target]:
    """The flagged texts of one consultation's queue, with what their links need, in a
    fixed number of statements (not one per text)."""
    from app.sessions.models import Contribution
    from app.submissions.models import Comment

    wanted = {kind: [i for k, i in keys if k == kind] for kind in ("comment", "contribution")}
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.id.in_(wanted["comment"]))
        .options(selectinload(Comment.section))
    )
    contributions = db.session.scalars(
        select(Contribution).where(Contribution.id.in_(wanted["contribution"]))
    )
    found = {("comment", c.id): Target("comment", c, consultation) for c in comments}
    found |= {
        ("contribution", c.id): Target("contribution", c, consultation) for c in contributions
    }
    return found


def hidden_texts(consultation) -> list[Target]:
    """Texts hidden in this consultation, so that a facilitator can reconsider."""
    from app.sessions.models import ConsultationSession, Contribution
    from app.submissions.models import Comment, Section, Submission

    comments = db.session.scalars(
        select(Comment)
        .join(Section, Section.id == Comment.section_id)
        .join(Submission, Submission.id == Section.submission_id)
        .where(Submission.consultation_id == consultation.id, Comment.hidden_reason.is_not(None))
    )
    contributions = db.session.scalars(
        select(Contribution)
        .join(ConsultationSession, ConsultationSession.id == Contribution.session_id)
        .where(
            ConsultationSession.consultation_id == consultation.id, Contribution.state == "hidden"
        )
    )
    return [Target("comment", c, consultation) for c in comments] + [
        Target("contribution", c, consultation) for c in contributions
    ]


def history(consultation, limit: int = 100) -> list[AuditEvent]:
    """The moderation log of this consultation, newest first."""
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.action.in_(ACTIONS),
            AuditEvent.details["consultation"].as_integer() == consultation.id,
        )
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
