"""Comment threads on a section, optionally quoting the passage they are about."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.extensions import db
from app.notifications.services import notify_all
from app.submissions.models import Comment, Section
from app.submissions.services import _people


def add_comment(user, section: Section, body: str, quote: str | None, parent, now: datetime):
    comment = Comment(
        section_id=section.id,
        author_id=user.id,
        body=body.strip(),
        created_at=now,
        quote=(quote or "").strip()[:1000] or None,
        parent_id=parent.id if parent else None,
    )
    db.session.add(comment)
    db.session.flush()
    submission = section.submission
    others = [u for u in _people(submission, ("owner", "editor", "viewer")) if u.id != user.id]
    link = url_for("submissions.section", submission_id=submission.id, key=section.key)
    notify_all(
        others,
        "submission.comment",
        now,
        f"{link}#comment-{comment.id}",
        consultation=submission.consultation.title,
    )
    return comment


def set_resolved(comment: Comment, resolved: bool, now: datetime) -> None:
    comment.resolved_at = now if resolved else None
