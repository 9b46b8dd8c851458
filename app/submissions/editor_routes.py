"""The section editor and its save endpoint (a stable interface: see DESIGN.md section 7).

POST /submissions/<id>/sections/<key> with body, base_revision and csrf_token:
200 when saved, with the new revision's id in X-Revision (also after a clean merge);
409 when the change overlaps what was saved since, with both texts; nothing is lost.
413 (text too long) and 400 (a base revision that is not one of this section's) answer the
editor again with the text that was sent in it, and say why.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, make_response, request, url_for
from flask_babel import format_number
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.auth.sessions import passive
from app.extensions import db, htmx
from app.i18n import gettext as _
from app.inputs import id_from
from app.policy import may
from app.submissions import bp, editing
from app.submissions.editor_page import render_editor
from app.submissions.forms import TagsForm
from app.submissions.loading import load_for_editor, load_section_for_saving, load_submission
from app.submissions.models import Revision
from app.timeutil import utcnow
from app.web import go_to, render

SAVE_ATTEMPTS = 5


@bp.get("/submissions/<int:submission_id>/sections/<key>")
@login_required
def section(submission_id: int, key: str):
    return render_editor(*load_for_editor(submission_id, key))


def _base_id(raw: str | None) -> int | None:
    """The revision the text was based on: None for a section's first text."""
    if raw is None or raw.strip() in ("", "0", "None"):
        return None
    base_id = id_from(raw)
    if base_id is None:
        raise editing.UnknownBase
    return base_id


@bp.post("/submissions/<int:submission_id>/sections/<key>")
@login_required
def save(submission_id: int, key: str):
    # Holding the submission keeps it in the session's identity map for the save below.
    _submission, section_id = load_section_for_saving(submission_id, key)
    body = (request.form.get("body") or "").replace("\r\n", "\n")
    try:
        base_id = _base_id(request.form.get("base_revision"))
        if len(body) > editing.MAX_BODY:
            return _not_saved(submission_id, key, body, base_id, 413)
        result = _save_with_retries(section_id, body, base_id)
    except editing.UnknownBase:
        return _not_saved(submission_id, key, body, None, 400)
    if isinstance(result, Response):
        return result
    db.session.commit()
    return _saved(submission_id, key, body, result)


def _not_saved(submission_id: int, key: str, body: str, base_id, status: int) -> Response:
    """A save refused for what was sent (too long, or based on no revision of this section):
    the editor again with the person's text in it and why, never a bare error page."""
    if status == 413:
        problem = _(
            "Not saved: this text is longer than %(limit)s characters. Your text is still "
            "below: make it shorter, then save again.",
            limit=format_number(editing.MAX_BODY),
        )
    else:
        # Saved again from here without a base, it is compared with the latest text (409).
        problem = _(
            "Not saved: we cannot tell which version this text was based on. Your text is "
            "still below: save it again to compare it with the latest version."
        )
    if htmx:
        return make_response(problem, status)  # the editor keeps the text and says why
    submission, section = load_for_editor(submission_id, key)
    return render_editor(
        submission, section, status, body=body, base_revision=base_id, problem=problem
    )


def _save_with_retries(section_id: int, body: str, base_id: int | None):
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            result = editing.save_section(current_user, section_id, body, base_id, utcnow())
            editing.mark_present(current_user, section_id, utcnow())
            return result
        except (editing.VersionMoved, OperationalError) as error:
            db.session.rollback()  # someone saved between our read and write: merge again
            if getattr(error, "connection_invalidated", False):
                g.database_failed = True  # if it never works, the error page needs no database
        except editing.MergeConflict as conflict:
            db.session.commit()  # keep the conflicting text as a revision
            return _conflict(section_id, body, conflict)
        except editing.SectionLocked:
            db.session.rollback()
            return _locked(section_id, body)
        except editing.UnknownBase:
            db.session.rollback()
            raise
    abort(503)


def _saved(submission_id: int, key: str, body: str, result: editing.SaveResult) -> Response:
    # The text sent back is the saved revision's, never a later one: the client's next
    # save is based on exactly this revision.
    text = result.revision.body if result.revision else ""
    revision_id = str(result.revision.id) if result.revision else ""
    if htmx:
        response = render(
            "submissions/_save_status.html", merged=result.merged, merged_text=text, now=utcnow()
        )
    else:
        submission, section = load_for_editor(submission_id, key)
        response = render_editor(
            submission,
            section,
            saved=True,
            merged=result.merged,
            body=text,
            base_revision=revision_id,
        )
    response.headers["X-Revision"] = revision_id
    response.headers["X-Merged"] = "1" if result.merged else "0"
    if result.own_revision is not None:
        response.headers["X-Own-Revision"] = str(result.own_revision.id)
    return response


def _conflict(section_id: int, body: str, conflict: editing.MergeConflict) -> Response:
    section = db.session.get_one(editing.Section, section_id)
    submission = load_submission(section.submission_id)
    current = conflict.current
    context: dict[str, Any] = {
        "theirs": current.body if current else "",
        "theirs_author": current.author if current else None,
        "mine": body,
        "kept": conflict.kept,
        "conflict_base": current.id if current else "",
    }
    if htmx:
        response = render(
            "submissions/_conflict.html",
            status=409,
            submission=submission,
            section=section,
            **context,
        )
        response.headers["HX-Retarget"] = "#conflict"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = render_editor(submission, section, 409, conflict=context)
    response.headers["X-Revision"] = str(current.id) if current else ""
    return response


def _locked(section_id: int, body: str) -> Response:
    section = db.session.get_one(editing.Section, section_id)
    submission = load_submission(section.submission_id)
    return render(
        "submissions/locked.html", status=423, submission=submission, section=section, body=body
    )


@bp.post("/submissions/<int:submission_id>/sections/<key>/tags")
@login_required
def tags(submission_id: int, key: str):
    from app.submissions.services import set_section_tags

    submission, section = load_for_editor(submission_id, key, "submission.edit")
    form = TagsForm()
    if form.validate_on_submit():
        set_section_tags(
            section,
            form.contribution_types.data or [],
            [int(n) for n in form.objectives.data or []],
        )
        db.session.commit()
        return go_to(url_for("submissions.section", submission_id=submission_id, key=key))
    return render_editor(submission, section, 422, tags_form=form)


@bp.get("/submissions/<int:submission_id>/sections/<key>/presence")
@passive
@login_required
def presence(submission_id: int, key: str):
    """Polled while the editor is open: marks this person present, lists the others."""
    submission, section = load_for_editor(submission_id, key)
    now = utcnow()
    if current_user.is_authenticated and _can_edit(submission):
        editing.mark_present(current_user, section.id, now)
        db.session.commit()
    return render(
        "submissions/_presence.html", others=editing.others_editing(current_user, section, now)
    )


def _can_edit(submission) -> bool:

    return may(current_user, "submission.edit", submission)


@bp.get("/submissions/<int:submission_id>/sections/<key>/history")
@login_required
def history(submission_id: int, key: str):
    submission, section = load_for_editor(submission_id, key)
    revisions = db.session.scalars(
        select(Revision)
        .where(Revision.section_id == section.id)
        .order_by(Revision.created_at.desc(), Revision.id.desc())
    ).all()
    by_id: dict[int | None, Revision] = {r.id: r for r in revisions}  # None: not asked
    old = by_id.get(request.args.get("from", type=int))
    new = by_id.get(request.args.get("to", type=int))
    diff = editing.word_diff(old.body, new.body) if old and new else None
    return render(
        "submissions/history.html",
        submission=submission,
        section=section,
        revisions=revisions,
        old=old,
        new=new,
        diff=diff,
    )


@bp.post("/submissions/<int:submission_id>/sections/<key>/restore/<int:revision_id>")
@login_required
def restore(submission_id: int, key: str, revision_id: int):
    from flask import flash

    submission, section = load_for_editor(submission_id, key, "submission.edit")
    try:
        editing.restore_revision(current_user, section.id, revision_id, utcnow())
    except editing.SectionLocked:
        db.session.rollback()
        flash(_("This text can no longer be changed."), "error")
        return go_to(url_for("submissions.history", submission_id=submission_id, key=key))
    except editing.UnknownBase:
        abort(404)
    db.session.commit()
    flash(_("The older text is back, as a new revision."), "success")
    return go_to(url_for("submissions.section", submission_id=submission_id, key=key))
