"""Comment threads on a section, optionally anchored to the passage they are about."""

from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.extensions import db
from app.notifications.services import notify_all
from app.submissions import anchors
from app.submissions.models import Comment, Revision, Section
from app.submissions.services import _people


class QuoteNotFound(Exception):
    """The quoted words are not in the section's text."""


def anchor_for(section: Section, quote: str | None, start_hint=None, revision_id=None):
    """The selector and revision of a quoted passage: in the revision the person read when it
    is one of this section's, else in the current text. (None, None) without a quote."""
    quote = anchors.normalize_quote(quote)
    if not quote:
        return None, None
    revision = db.session.get(Revision, revision_id) if revision_id else None
    if revision is None or revision.section_id != section.id:
        revision = section.current_revision
    text = revision.body if revision else ""
    selector = anchors.anchor_quote(text, quote, start_hint)
    if selector is None and revision is not section.current_revision:
        revision = section.current_revision  # saved since: the words may be there now
        selector = anchors.anchor_quote(revision.body if revision else "", quote)
    if selector is None:
        raise QuoteNotFound
    return selector, revision


def add_comment(
    user,
    section: Section,
    body: str,
    quote: str | None,
    parent,
    now: datetime,
    *,
    quote_start: int | None = None,
    revision_id: int | None = None,
):
    """Raises QuoteNotFound when a quote is given that is not in the text."""
    selector, revision = anchor_for(section, quote, quote_start, revision_id)
    comment = Comment(
        section_id=section.id,
        author_id=user.id,
        body=body.strip(),
        created_at=now,
        quote=selector.exact if selector else None,
        quote_prefix=(selector.prefix or None) if selector else None,
        quote_suffix=(selector.suffix or None) if selector else None,
        quote_revision_id=revision.id if revision else None,
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
