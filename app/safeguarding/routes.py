"""Reporting intimidation or reprisal, following a report, and the focal points' inbox."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict

from app.auth.models import User
from app.auth.services import find_account
from app.consultations.models import Consultation
from app.extensions import db, limiter
from app.files.cleaning import MEDIA_TYPES
from app.files.services import UploadRefused, read_and_clean, safe_filename
from app.files.uploads import upload_message
from app.forms import add_error
from app.i18n import gettext as _
from app.policy import may, require
from app.safeguarding import bp, keys, nominations, services
from app.safeguarding.forms import (
    CodeForm,
    FocalPointForm,
    ReplyForm,
    ReporterMessageForm,
    ReportForm,
    ShareForm,
    StatusForm,
)
from app.safeguarding.models import InstanceFocalPoint, SafetyReport
from app.safeguarding.sealing import CannotOpen
from app.timeutil import utcnow
from app.web import go_to, render


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
    posted: CombinedMultiDict = CombinedMultiDict((request.files, request.form))
    form = _report_form(posted if request.method == "POST" else None)
    if request.method == "GET":
        form.consultation.data = request.args.get("consultation", "")
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("safeguarding/report.html", status=status, form=form)
    evidence = _evidence(form.evidence)
    if form.evidence.errors:
        return render("safeguarding/report.html", status=422, form=form)
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == form.consultation.data)
    )
    anonymous = form.identity is None or form.identity.data != "named"
    content = services.ReportContent(
        what_happened=form.what_happened.data or "",
        when=form.when.data or "",
        affected=form.affected.data,
        wishes=tuple(form.wishes.data or ()),
        contact=form.contact.data or "",
    )
    reporter = current_user if current_user.is_authenticated else None
    made, code = services.submit_report(
        reporter, consultation, content, anonymous, utcnow(), evidence=evidence
    )
    db.session.commit()
    # The code is shown in this answer only: it is not in any address or e-mail.
    return render("safeguarding/received.html", code=code, sealed_to=len(made.envelopes))


def _evidence(field) -> services.Evidence | None:
    """The optional file, cleaned (app.files) and kept in memory only; errors on the field."""
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        cleaned = read_and_clean(upload)
    except UploadRefused as refused:
        field.errors = [*field.errors, upload_message(refused.reason)]
        return None
    return services.Evidence(
        safe_filename(upload.filename, cleaned.kind), cleaned.kind, cleaned.data
    )


@bp.route("/follow-up", methods=["GET", "POST"])
@_limit()
def follow_up():
    """A reporter looks at the status with their private code (sent in the body only)."""
    mine = services.reports_of(current_user) if current_user.is_authenticated else []
    form = CodeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("safeguarding/follow_up.html", status=status, form=form, mine=mine)
    found = services.report_by_code(form.code.data or "")
    if found is None:
        add_error(form.code, _("No report has this code. Check it and try again."))
        return render("safeguarding/follow_up.html", status=422, form=form, mine=mine)
    return _status_page(found, form.code.data or "")


def _open_for_reporter(found: SafetyReport, code: str):
    try:
        opened = services.open_for_reporter(found, code, utcnow())
    except CannotOpen:
        return None, render("safeguarding/not_open.html", status=409, report=None, reason="damaged")
    db.session.commit()  # an old report may have been sealed, or the reporter's key kept
    return opened, None


def _status_page(found: SafetyReport, code: str, message_form=None, status=200):
    opened, problem = _open_for_reporter(found, code)
    if problem is not None:
        return problem
    if message_form is None:
        message_form = ReporterMessageForm(formdata=None, code=code)
    return render(
        "safeguarding/status.html",
        status=status,
        report=found,
        opened=opened,
        message_form=message_form,
    )


@bp.post("/follow-up/message")
@_limit()
def reporter_message():
    form = ReporterMessageForm()
    code = form.code.data or ""
    found = services.report_by_code(code)
    if found is None:
        abort(404)
    if not form.validate_on_submit():
        return _status_page(found, code, form, 422)
    evidence = _evidence(form.evidence)
    opened, problem = _open_for_reporter(found, code)
    if problem is not None:
        return problem
    if form.evidence.errors or opened is None:
        return _status_page(found, code, form, 422)
    services.add_reporter_message(opened, form.body.data or "", utcnow(), evidence)
    db.session.commit()
    flash(_("Your message is added. The focal points were told that something arrived."), "success")
    return _status_page(found, code)


# --- Focal points ----------------------------------------------------------------------------


@bp.get("/inbox")
@login_required
def inbox():
    require(current_user, "safety.inbox")
    return render(
        "safeguarding/inbox.html",
        reports=services.inbox(current_user),
        key_ready=keys.has_usable_key(current_user),
    )


def _readable(report_id: int) -> SafetyReport:
    found = db.session.get(SafetyReport, report_id)
    if found is None or not may(current_user, "safety.read", found):
        abort(404)
    return found


def _open(found: SafetyReport):
    """(the opened report, None), or (None, a page saying why it cannot be opened)."""
    try:
        return services.open_for_focal_point(current_user, found), None
    except keys.KeyLocked:
        pass
    except services.NotShared:
        if keys.has_usable_key(current_user):
            return None, _not_open(found, "not-shared")
    except CannotOpen:
        return None, _not_open(found, "damaged", 409)
    key = keys.key_of(current_user)
    if key is None or not key.usable:
        return None, _not_open(found, "no-key")
    if key.password_reset_at is not None:
        return None, _not_open(found, "reset")
    return None, go_to(url_for("safeguarding.unlock", next=request.full_path.rstrip("?")))


def _not_open(found: SafetyReport, reason: str, status: int = 200):
    return render("safeguarding/not_open.html", status=status, report=found, reason=reason)


@bp.get("/reports/<int:report_id>")
@login_required
def read(report_id: int):
    found = _readable(report_id)
    opened, problem = _open(found)
    if problem is not None:
        return problem
    services.record_reading(current_user, found, utcnow())
    db.session.commit()
    return _report_page(opened)


def _report_page(opened: services.OpenedReport, reply_form=None, status=200):
    status_form = StatusForm(formdata=None)
    status_form.status.data = opened.report.status
    return render(
        "safeguarding/read.html",
        status=status,
        report=opened.report,
        opened=opened,
        content=opened.content,
        waiting=services.waiting_readers(opened.report) if not opened.legacy else [],
        status_form=status_form,
        reply_form=reply_form or ReplyForm(formdata=None),
    )


@bp.post("/reports/<int:report_id>/share")
@login_required
def share(report_id: int):
    found = _readable(report_id)
    form = ShareForm()
    recipient = db.session.get(User, form.user_id.data) if form.validate_on_submit() else None
    if recipient is None:
        abort(404)
    require(current_user, "safety.share", (found, recipient), hide=True)
    opened, problem = _open(found)
    if problem is not None:
        return problem
    try:
        services.share_report(current_user, opened, recipient, utcnow())
    except services.CannotShare:
        abort(404)
    db.session.commit()
    flash(_("The report is shared with %(name)s.", name=recipient.display_name), "success")
    return go_to(url_for("safeguarding.read", report_id=report_id))


@bp.get("/reports/<int:report_id>/evidence")
@login_required
def evidence(report_id: int):
    found = _readable(report_id)
    opened, problem = _open(found)
    if problem is not None:
        return problem
    return _send_evidence(opened, found.evidence_file, opened.content.evidence_name)


@bp.get("/reports/<int:report_id>/messages/<int:message_id>/evidence")
@login_required
def message_evidence(report_id: int, message_id: int):
    found = _readable(report_id)
    opened, problem = _open(found)
    if problem is not None:
        return problem
    item = next((m for m in opened.messages if m.message.id == message_id), None)
    if item is None:
        abort(404)
    return _send_evidence(opened, item.message.evidence_file, item.evidence_name)


def _send_evidence(opened, storage_name, name):
    try:
        data = services.read_evidence(opened, storage_name)
    except CannotOpen:
        return _not_open(opened.report, "no-file", 404)
    kind = name.rsplit(".", 1)[-1].replace("jpg", "jpeg")
    response = make_response(data)
    response.headers["Content-Type"] = MEDIA_TYPES.get(kind, "application/octet-stream")
    response.headers["Content-Disposition"] = f'attachment; filename="{_ascii(name)}"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response


def _ascii(name: str) -> str:
    return "".join(c for c in name if c.isascii() and c.isprintable() and c not in '"\\') or "file"


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
    opened, problem = _open(found)
    if problem is not None:
        return problem
    form = ReplyForm()
    if not form.validate_on_submit():
        return _report_page(opened, form, 422)
    services.reply(current_user, opened, form.body.data or "", utcnow())
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
        person = find_account(form.identifier.data or "")
        error = nominations.propose_or_explain(current_user, person, None, utcnow())
        if error is None:
            assert person is not None  # no one to propose is explained
            db.session.commit()
            flash(
                _(
                    "%(name)s is proposed. They become a focal point once they accept and set up "
                    "their key.",
                    name=person.display_name,
                ),
                "success",
            )
            return go_to(url_for("safeguarding.focal_points"))
        add_error(form.identifier, error)
    status = 422 if form.errors else 200
    return render(
        "safeguarding/focal_points.html",
        status=status,
        form=form,
        focal_points=services.instance_focal_points(),
        proposed=nominations.pending_nominations(None),
    )


@bp.post("/focal-points/<int:focal_point_id>/remove")
@login_required
def remove_focal_point(focal_point_id: int):
    require(current_user, "focal_points.manage")
    focal_point = db.get_or_404(InstanceFocalPoint, focal_point_id)
    services.remove_instance_focal_point(current_user, focal_point, utcnow())
    db.session.commit()
    return go_to(url_for("safeguarding.focal_points"))
