"""Flagging, the moderation queue of a consultation, and the code of conduct."""

from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from app.consultations.loading import load_consultation
from app.extensions import db
from app.i18n import gettext as _
from app.moderation import bp, services
from app.moderation.forms import FlagForm, ReasonForm
from app.policy import require
from app.timeutil import utcnow
from app.web import go_to, render, safe_next

KIND = "<any(comment,contribution):kind>"


def _target(kind: str, target_id: int) -> services.Target:
    target = services.load_target(kind, target_id)
    if target is None:
        abort(404)
    return target


@bp.get("/code-of-conduct")
def code_of_conduct():
    return render_template("moderation/code_of_conduct.html")


@bp.route(f"/flag/{KIND}/<int:target_id>", methods=["GET", "POST"])
@login_required
def flag(kind: str, target_id: int):
    target = _target(kind, target_id)
    require(current_user, "moderation.flag", target, hide=True)
    form = FlagForm()
    back = safe_next(request.values.get("next"), "main.home")
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "moderation/flag.html", "flag", status=status, form=form, target=target, back=back
        )
    try:
        services.flag(current_user, target, form.reason.data, form.details.data or "", utcnow())
    except services.AlreadyFlagged:
        flash(_("You flagged this already. The facilitators will look at it."), "success")
        return go_to(back)
    db.session.commit()
    flash(_("Thank you. The facilitators will look at it."), "success")
    return go_to(back)


@bp.get("/consultations/<slug>/moderation")
@login_required
def queue(slug: str):
    consultation = load_consultation(slug, "moderation.queue")
    return render(
        "moderation/queue.html",
        consultation=consultation,
        items=services.queue(consultation),
        hidden=services.hidden_texts(consultation),
        history=services.history(consultation),
        reason_form=ReasonForm(formdata=None),
    )


def _act(kind: str, target_id: int) -> services.Target:
    target = _target(kind, target_id)
    require(current_user, "moderation.act", target)
    return target


def _back(target: services.Target) -> str:
    """Back to where the facilitator acted: the board, or the queue."""
    chosen = request.form.get("next")
    if chosen:
        return safe_next(chosen)
    return url_for("moderation.queue", slug=target.consultation.slug)


def _with_reason(kind: str, target_id: int, change, done: str):
    """Hide or show again: both need a reason, which the author is shown."""
    target = _act(kind, target_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason: the author sees it."), "error")
        return go_to(_back(target))
    change(current_user, target, form.reason.data, utcnow())
    db.session.commit()
    flash(done, "success")
    return go_to(_back(target))


@bp.post(f"/moderation/{KIND}/<int:target_id>/hide")
@login_required
def hide(kind: str, target_id: int):
    return _with_reason(kind, target_id, services.hide, _("Hidden. The author sees your reason."))


@bp.post(f"/moderation/{KIND}/<int:target_id>/unhide")
@login_required
def unhide(kind: str, target_id: int):
    return _with_reason(
        kind, target_id, services.unhide, _("Shown again. The author sees your reason.")
    )


@bp.post(f"/moderation/{KIND}/<int:target_id>/dismiss")
@login_required
def dismiss(kind: str, target_id: int):
    target = _act(kind, target_id)
    services.dismiss(current_user, target, utcnow())
    db.session.commit()
    flash(_("The flags are closed. The text stays as it is."), "success")
    return go_to(_back(target))
