"""The outcome of a consultation: its page, the facilitators' records, and open data."""

from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_login import AnonymousUserMixin, current_user, login_required

from app.consultations.loading import load_consultation
from app.extensions import db
from app.files.services import download
from app.files.uploads import store_from_form
from app.forms import add_error
from app.i18n import gettext as _
from app.outcomes import bp, exports, services
from app.outcomes.forms import OutcomeDocumentForm, UptakeForm
from app.outcomes.models import OutcomeDocument
from app.outcomes.template_helpers import cite
from app.submissions.loading import load_submission
from app.timeutil import utcnow
from app.web import go_to, render


@bp.get("/consultations/<slug>/outcome")
def page(slug: str):
    consultation = load_consultation(slug)
    return _page(consultation, OutcomeDocumentForm(formdata=None))


def _page(consultation, document_form, status: int = 200):
    rows = services.rows_for(
        current_user, consultation, services.accepted_submissions(consultation)
    )
    return render(
        "outcomes/outcome.html",
        status=status,
        consultation=consultation,
        documents=services.documents_of(consultation),
        rows=rows,
        progress=services.progress_by_objective(consultation, rows),
        document_form=document_form,
        cite=cite,
    )


@bp.post("/consultations/<slug>/outcome/documents")
@login_required
def add_document(slug: str):
    consultation = load_consultation(slug, "outcome.manage")
    form = OutcomeDocumentForm()
    has_file = bool(getattr(form.file.data, "filename", ""))
    if not form.validate_on_submit():
        return _page(consultation, form, 422)
    stored = store_from_form(form, current_user, utcnow()) if has_file else None
    if has_file and stored is None:
        return _page(consultation, form, 422)
    services.add_document(
        current_user,
        consultation,
        utcnow(),
        title=form.title.data,
        symbol=form.symbol.data or None,
        issued_on=form.issued_on.data,
        link=form.link.data or None,
        file=stored,
    )
    db.session.commit()
    flash(_("The outcome document is added."), "success")
    return go_to(url_for("outcomes.page", slug=slug) + "#documents")


def _document(consultation, document_id: int) -> OutcomeDocument:
    found = db.session.get(OutcomeDocument, document_id)
    if found is None or found.consultation_id != consultation.id:
        abort(404)
    return found


@bp.post("/consultations/<slug>/outcome/documents/<int:outcome_document_id>/delete")
@login_required
def remove_document(slug: str, outcome_document_id: int):
    consultation = load_consultation(slug, "outcome.manage")
    services.remove_document(current_user, _document(consultation, outcome_document_id), utcnow())
    db.session.commit()
    flash(_("The outcome document is removed."), "success")
    return go_to(url_for("outcomes.page", slug=slug) + "#documents")


@bp.get("/consultations/<slug>/outcome/documents/<int:outcome_document_id>")
def document_file(slug: str, outcome_document_id: int):
    consultation = load_consultation(slug)
    found = _document(consultation, outcome_document_id)
    if found.file is None:
        abort(404)
    return download(found.file)


@bp.route("/submissions/<int:submission_id>/uptake", methods=["GET", "POST"])
@login_required
def uptake(submission_id: int):
    submission = load_submission(submission_id, "outcome.record")
    documents = services.documents_of(submission.consultation)
    form = UptakeForm(documents=documents)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.set_uptake(
                current_user,
                submission,
                utcnow(),
                paragraph=form.paragraph.data,
                status=form.status.data,
                outcome_reference=form.outcome_reference.data,
                reason=form.reason.data,
                document=next((d for d in documents if str(d.id) == form.document_id.data), None),
            )
        except services.NoSuchParagraph:
            add_error(form.paragraph, _("This submission has no paragraph with this number."))
        else:
            db.session.commit()
            flash(_("What the review did with it is recorded."), "success")
            return go_to(url_for("outcomes.uptake", submission_id=submission.id))
    return render(
        "outcomes/uptake.html",
        status=422 if form.errors else 200,
        submission=submission,
        form=form,
        paragraphs=services.paragraphs_of(submission),
        uptakes=services.uptakes_of([submission.id]).get(submission.id, []),
        cite=cite,
    )


@bp.get("/consultations/<slug>/outcome.<any(csv, json):fmt>")
def export(slug: str, fmt: str):
    """Open data: the public texts' uptake, whoever asks (so no file mixes editions)."""
    consultation = load_consultation(slug)
    submissions = services.accepted_submissions(consultation)
    rows = services.rows_for(AnonymousUserMixin(), consultation, submissions)
    lines = exports.table(rows, cite)
    if fmt == "csv":
        body, mimetype = exports.to_csv(lines), "text/csv"
    else:
        progress = services.progress_by_objective(consultation, rows)
        documents = services.documents_of(consultation)
        body, mimetype = (
            exports.to_json(consultation, documents, lines, progress),
            "application/json",
        )
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-outcome.{fmt}"'
    return response
