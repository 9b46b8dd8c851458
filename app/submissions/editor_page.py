"""The section editor page, as the editor's and the comments' routes answer with it."""

from __future__ import annotations

from flask import Response
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.policy import may
from app.submissions import anchors
from app.submissions.forms import CommentForm, TagsForm
from app.submissions.models import Comment
from app.timeutil import utcnow
from app.web import render


def render_editor(submission, section, status=200, **extra) -> Response:
    """The whole section editor page with what the request adds: the
    typed text back, a conflict, a form with its errors. Comment routes use it too."""
    comments = db.session.scalars(
        select(Comment).where(Comment.section_id == section.id).order_by(Comment.created_at)
    ).all()
    tags = TagsForm(formdata=None)
    tags.contribution_types.data = list(section.contribution_types)
    tags.objectives.data = [str(n) for n in section.objectives]
    context = {
        "submission": submission,
        "section": section,
        "comments": comments,
        **_passages(submission, section, comments),
        "comment_form": CommentForm(formdata=None, prefix="comment"),
        "tags_form": tags,
        "now": utcnow(),
        "body": section.text,
        "base_revision": section.current_revision_id,
    }
    context.update(extra)
    return render("submissions/section.html", status=status, **context)


def _passages(submission, section, comments) -> dict:
    """Where each comment's passage is now, and the text with them marked: only for those who
    read the comments (a mark says that a comment is there)."""
    if not may(current_user, "submission.read_comments", submission):
        return {"placed": {}, "passage_ids": {}, "marked_text": None, "marked_html": None}
    quoting = [c for c in comments if c.quote and not c.parent_id and not c.hidden_reason]
    text = section.text
    placed = anchors.place(text, quoting)
    found = any(p.found for p in placed.values())
    return {
        "placed": placed,
        "passage_ids": anchors.mark_ids(placed),
        "marked_text": anchors.highlight_plain(text, placed) if found else None,
        "marked_html": anchors.highlight_markdown(text, placed) if found else None,
    }
