"""Reporting intimidation or reprisal, following a report, and the focal points' inbox."""

from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.services import find_account
from app.consultations.models import Consultation
from app.extensions import db, limiter
from app.policy import may, require
from app.safeguarding import bp, services
from app.safeguarding.forms import (
    AFFECTED_LABELS,
    WISH_LABELS,
    CodeForm,
    FocalPointForm,
    ReplyForm,
    ReporterMessageForm,
    ReportForm,
    StatusForm,
)
from app.safeguarding.models import STATUS_LABELS, InstanceFocalPoint, SafetyReport
from app.timeutil import utcnow
from app.web import go_to, render


@bp.app_context_processor
def safeguarding_helpers() -> dict:
    return {
        "safety_status_label": lambda key: STATUS_LABELS.get(key, key),
        "affected_label": lambda key: AFFECTED_LABELS.get(key, key),
        "wish_label": lambda key: WISH_LABELS.get(key, key),
        "reporter_name": _reporter_name,
    }


def _reporter_name(report: SafetyReport) -> str:
    from app.auth.models import User

    person = db.session.get(User, report.reporter_id) if report.reporter_id else None
    return person.display_name if person else _("former member")


def _limit():
    return limiter.limit(lambda: current_app.config["RATELIMIT_SAFETY"], methods=["POST"])


def _consultations() -> list[Consultation]:
    query = select(Consultation).where(Consultation.published.is_(True))
    return sorted(db.session.scalars(query), key=lambda c: c.title.lower())


def _report_form(formdata=None) -> ReportForm:
    return ReportForm(
        formdata=formdata,
        consultations=_consultations(),
        signed_in=current_user.is_authenticated,
    )


@bp.route("/report", methods=["GET", "POST"])
@_limit()
def report():
    form = _report_form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.consultation.data = request.args.get("consultation", "")
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("safeguarding/report.html", status=status, form=form)
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == form.consultation.data)
    )
    anonymous = form.identity is None or form.identity.data != "named"
    content = services.ReportContent(
        what_happened=form.what_happened.data,
        when=form.when.data or "",
        affected=form.affected.data,
        wishes=tuple(form.wishes.data or ()),
        contact=form.contact.data or "",
    )
    reporter = current_user if current_user.is_authenticated else None
    _report, code = services.submit_report(reporter, consultation, content, anonymous, utcnow())
    db.session.commit()
    # The code is shown in this answer only: it is not in any address or e-mail.
    return render("safeguarding/received.html", code=code)


@bp.route("/follow-up", methods=["GET", "POST"])
@_limit()
def follow_up():
    """A reporter looks at the status with their private code (sent in the body only)."""
    mine = services.reports_of(current_user) if current_user.is_authenticated else []
    form = CodeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("safeguarding/follow_up.html", status=status, form=form, mine=mine)
    found = services.report_by_code(form.code.data)
    if found is None:
        form.code.errors.append(_("No report has this code. Check it and try again."))
        return render("safeguarding/follow_up.html", status=422, form=form, mine=mine)
    return _status_page(found, form.code.data)


def _status_page(found: SafetyReport, code: str, message_form=None, status=200):
    if message_form is None:
        message_form = ReporterMessageForm(formdata=None, code=code)
    return render(
        "safeguarding/status.html",
        status=status,
        report=found,
        message_form=message_form,
    )


@bp.post("/follow-up/message")
@_limit()
def reporter_message():
    form = ReporterMessageForm()
    found = services.report_by_code(form.code.data or "")
    if found is None:
        abort(404)
    if not form.validate_on_submit():
        return _status_page(found, form.code.data, form, 422)
    services.add_reporter_message(found, form.body.data, utcnow())
    db.session.commit()
    flash(_("Your message is added. The focal points were told that something arrived."), "success")
    return _status_page(found, form.code.data)


# --- Focal points ----------------------------------------------------------------------------


@bp.get("/inbox")
@login_required
def inbox():
    require(current_user, "safety.inbox")
    return render("safeguarding/inbox.html", reports=services.inbox(current_user))


def _readable(report_id: int) -> SafetyReport:
    found = db.session.get(SafetyReport, report_id)
    if found is None or not may(current_user, "safety.read", found):
        abort(404)
    return found


@bp.get("/reports/<int:report_id>")
@login_required
def read(report_id: int):
    found = _readable(report_id)
    services.record_reading(current_user, found, utcnow())
    db.session.commit()
    return _report_page(found)


def _report_page(found, reply_form=None, status=200):
    status_form = StatusForm(formdata=None)
    status_form.status.data = found.status
    return render(
        "safeguarding/read.html",
        status=status,
        report=found,
        content=services.content_of(found),
        status_form=status_form,
        reply_form=reply_form or ReplyForm(formdata=None),
    )


@bp.post("/reports/<int:report_id>/status")
@login_required
def change_status(report_id: int):
    found = _readable(report_id)
    form = StatusForm()
    if form.validate_on_submit():
        services.set_status(current_user, found, form.status.data, utcnow())
        db.session.commit()
        flash(_("The status is saved. The reporter sees it with their code."), "success")
    return go_to(url_for("safeguarding.read", report_id=report_id))


@bp.post("/reports/<int:report_id>/reply")
@login_required
def reply(report_id: int):
    found = _readable(report_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _report_page(found, form, 422)
    services.reply(current_user, found, form.body.data, utcnow())
    db.session.commit()
    flash(_("Your message is sent. The reporter reads it with their code."), "success")
    return go_to(url_for("safeguarding.read", report_id=report_id))


# --- Focal points for general reports (admins) ----------------------------------------------


@bp.route("/focal-points", methods=["GET", "POST"])
@login_required
def focal_points():
    require(current_user, "focal_points.manage")
    form = FocalPointForm()
    if form.validate_on_submit():
        person = find_account(form.identifier.data)
        if person is None:
            form.identifier.errors.append(_("No account has this name or e-mail."))
        else:
            services.add_instance_focal_point(current_user, person, utcnow())
            db.session.commit()
            flash(_("%(name)s is now a focal point.", name=person.display_name), "success")
            return go_to(url_for("safeguarding.focal_points"))
    status = 422 if form.errors else 200
    return render(
        "safeguarding/focal_points.html",
        status=status,
        form=form,
        focal_points=services.instance_focal_points(),
    )


@bp.post("/focal-points/<int:focal_point_id>/remove")
@login_required
def remove_focal_point(focal_point_id: int):
    require(current_user, "focal_points.manage")
    focal_point = db.get_or_404(InstanceFocalPoint, focal_point_id)
    services.remove_instance_focal_point(current_user, focal_point, utcnow())
    db.session.commit()
    return go_to(url_for("safeguarding.focal_points"))
