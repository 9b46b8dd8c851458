"""Comment threads on a section: write, answer, resolve and reopen."""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import gettext as _
from app.inputs import id_from
from app.policy import require
from app.submissions import bp
from app.submissions.comments import QuoteNotFound, add_comment, set_resolved
from app.submissions.editor_page import render_editor
from app.submissions.forms import CommentForm
from app.submissions.loading import load_section, load_submission
from app.submissions.models import Comment
from app.timeutil import utcnow
from app.web import go_to


@bp.post("/submissions/<int:submission_id>/sections/<key>/comments")
@login_required
def comment(submission_id: int, key: str):
    submission = load_submission(submission_id, "submission.comment")
    section = load_section(submission, key)
    form = CommentForm(prefix="comment")
    if not form.validate_on_submit():
        return render_editor(submission, section, 422, comment_form=form)
    parent = None
    if form.parent_id.data:
        parent_id = id_from(form.parent_id.data)
        parent = db.session.get(Comment, parent_id) if parent_id else None
        if parent is None or parent.section_id != section.id:
            abort(400)
    try:
        created = add_comment(
            current_user,
            section,
            form.body.data or "",
            None if parent else form.quote.data,
            parent,
            utcnow(),
            quote_start=_offset(form.quote_start.data),
            revision_id=id_from(form.revision.data),
        )
    except QuoteNotFound:
        form.quote.errors = [
            _(
                "These words are not in the text of this section. Copy them exactly from the "
                "text, or leave this field empty."
            )
        ]
        return render_editor(submission, section, 422, comment_form=form)
    db.session.commit()
    url = url_for("submissions.section", submission_id=submission_id, key=key)
    return go_to(f"{url}#comment-{created.id}")


def _offset(raw) -> int | None:
    """Where the browser saw the selection start: a small whole number, or None."""
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None


@bp.post("/comments/<int:comment_id>/<any(resolve, reopen):action>")
@login_required
def resolve(comment_id: int, action: str):
    found = db.get_or_404(Comment, comment_id)
    submission = load_submission(found.section.submission_id)
    require(current_user, "submission.comment", submission)
    set_resolved(found, action == "resolve", utcnow())
    db.session.commit()
    url = url_for("submissions.section", submission_id=submission.id, key=found.section.key)
    return go_to(f"{url}#comment-{found.id}")
