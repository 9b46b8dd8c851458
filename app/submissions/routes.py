"""Start a submission, see it whole, choose its language and attribution, attach evidence."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.consultations.loading import load_consultation
from app.extensions import db
from app.files.services import download, remove_attached
from app.files.uploads import store_from_form
from app.i18n import gettext as _
from app.inputs import id_from
from app.organizations.loading import load_organization
from app.policy import may, require
from app.reference import language_name_in_reader_language
from app.submissions import bp, services
from app.submissions.attribution import (
    Anonymity,
    consultation_anonymity,
    endorsement_credit,
    submission_credit,
    unnamed_organizations,
)
from app.submissions.forms import AttachmentForm, DetailsForm, EndorseForm
from app.submissions.loading import (
    load_submission,
    load_submission_to_read,
    submission_query,
)
from app.submissions.models import Attachment, Submission
from app.submissions.states import STAFF_VISIBLE_STATES, SubmissionState
from app.timeutil import utcnow
from app.web import go_to, render


@bp.post("/consultations/<slug>/submissions")
@login_required
def start(slug: str):
    consultation = load_consultation(slug)
    chosen = id_from(request.form.get("organization_id"))
    if chosen is None:
        abort(400)
    org = load_organization(chosen)
    require(current_user, "submission.start", (consultation, org))
    try:
        submission = services.start_submission(current_user, consultation, org, utcnow())
    except services.DeadlinePassed:
        flash(_("This consultation is not open for drafting now."), "error")
        return go_to(url_for("consultations.view", slug=slug))
    except services.AlreadyExists as exists:
        return go_to(url_for("submissions.view", submission_id=exists.submission.id))
    db.session.commit()
    return go_to(url_for("submissions.view", submission_id=submission.id))


def _details_form(submission, formdata=None) -> DetailsForm:
    languages = [
        (c, language_name_in_reader_language(c)) for c in submission.consultation.accepted_languages
    ]
    form = DetailsForm(formdata=formdata, languages=languages)
    if formdata is None:
        form.language.data, form.attribution.data = submission.language, submission.attribution
    return form


def _endorsing_organizations(submission):
    from app.consultations.queries import owned_organizations

    return [
        o
        for o in owned_organizations(current_user)
        if may(current_user, "submission.endorse", (submission, o))
    ]


@bp.get("/submissions/<int:submission_id>")
def view(submission_id: int):
    submission, edition = load_submission_to_read(submission_id)
    if edition is None:
        return _overview(submission)
    return credited_view(submission, edition)


def credited_view(submission, edition: str, status: int = 200):
    """The submission as an edition of the compiled input shows it: the text and the credit
    line, and nothing more about who wrote it (no organization, person, file or history)."""
    endorsers = _endorsing_organizations(submission) if edition == "public" else []
    anonymity = consultation_anonymity(submission, edition)
    return render(
        "submissions/credited.html",
        status=status,
        submission=submission,
        edition=edition,
        credit=submission_credit(submission, edition, anonymity),
        endorsements=_endorsement_credits(submission, edition, anonymity),
        endorse_form=EndorseForm(formdata=None, organizations=endorsers),
        endorsers=endorsers,
    )


def _endorsement_credits(submission, edition: str, anonymity):
    """(endorsement, credit line) for each sign-on, None as the line when left out."""
    return [(e, endorsement_credit(e, edition, anonymity)) for e in submission.endorsements]


def _overview(submission, status=200, **forms):
    endorsers = _endorsing_organizations(submission)
    public, restricted = (
        consultation_anonymity(submission, edition) for edition in ("public", "restricted")
    )
    return render(
        "submissions/view.html",
        status=status,
        submission=submission,
        now=utcnow(),
        details_form=forms.get("details_form") or _details_form(submission),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        endorse_form=EndorseForm(formdata=None, organizations=endorsers),
        endorsers=endorsers,
        credit_public=submission_credit(submission, "public", public),
        credit_restricted=submission_credit(submission, "restricted", restricted),
        endorsements=_endorsement_credits(submission, "public", public),
        over_limit=forms.get("over_limit", []),
        empty_sections=forms.get("empty_sections", []),
        downloads=_downloads(submission),
    )


def _downloads(submission):
    """When the restricted editions holding this text were downloaded, and by which role."""
    if not may(current_user, "submission.see_downloads", submission):
        return []
    from app.compilations.models import Compilation, CompilationFile, DownloadRecord

    rows = db.session.execute(
        select(
            DownloadRecord.downloaded_at,
            DownloadRecord.role,
            Compilation.number,
            Compilation.contents,
        )
        .join(CompilationFile, CompilationFile.id == DownloadRecord.file_id)
        .join(Compilation, Compilation.id == CompilationFile.compilation_id)
        .where(Compilation.consultation_id == submission.consultation_id)
        .order_by(DownloadRecord.downloaded_at.desc())
    ).all()
    return [row for row in rows if str(submission.id) in row.contents]


@bp.post("/submissions/<int:submission_id>/details")
@login_required
def details(submission_id: int):
    submission = load_submission(submission_id, "submission.manage")
    form = _details_form(submission, request.form)
    if not form.validate_on_submit():
        return _overview(submission, 422, details_form=form)
    services.set_details(
        current_user, submission, form.language.data, form.attribution.data, utcnow()
    )
    db.session.commit()
    flash(_("Your choices are saved."), "success")
    return go_to(url_for("submissions.view", submission_id=submission.id))


@bp.post("/submissions/<int:submission_id>/attachments")
@login_required
def add_attachment(submission_id: int):
    submission = load_submission(submission_id, "submission.edit")
    form = AttachmentForm()
    stored = store_from_form(form, current_user, utcnow())
    if stored is not None:
        submission.attachments.append(Attachment(file=stored, title=form.title.data))
        db.session.commit()
        flash(_("The file is attached."), "success")
        return go_to(url_for("submissions.view", submission_id=submission.id) + "#files")
    return _overview(submission, 422, attachment_form=form)


def _attachment(submission, attachment_id: int) -> Attachment:
    found = next((a for a in submission.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return found


@bp.get("/submissions/<int:submission_id>/attachments/<int:attachment_id>")
@login_required
def attachment(submission_id: int, attachment_id: int):
    submission = load_submission(submission_id)
    return download(_attachment(submission, attachment_id).file)


@bp.post("/submissions/<int:submission_id>/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(submission_id: int, attachment_id: int):
    submission = load_submission(submission_id, "submission.edit")
    remove_attached(submission.attachments, _attachment(submission, attachment_id))
    db.session.commit()
    flash(_("The file is removed."), "success")
    return go_to(url_for("submissions.view", submission_id=submission.id) + "#files")


@bp.get("/consultations/<slug>/sign-on")
def sign_on_list(slug: str):
    """Accepted texts open for endorsement, each credited as the public edition credits it.
    Owners of verified organizations read them and sign on; others learn how to."""
    consultation = load_consultation(slug)
    query = submission_query(
        Submission.consultation_id == consultation.id, Submission.state == SubmissionState.ACCEPTED
    ).order_by(Submission.decided_at, Submission.id)
    found = list(db.session.scalars(query))
    anonymity = Anonymity(unnamed_organizations(found, "public"))
    readable = [
        (s, submission_credit(s, "public", anonymity))
        for s in found
        if may(current_user, "submission.read_public", s)
        or (may(current_user, "submission.view", s) and s.effective_attribution() != "confidential")
    ]
    return render("submissions/sign_on.html", consultation=consultation, rows=readable)


@bp.get("/consultations/<slug>/submissions")
@login_required
def for_consultation(slug: str):
    """Staff see the submissions sent to their consultation."""
    consultation = load_consultation(slug, "consultation.read_submissions")
    query = submission_query(
        Submission.consultation_id == consultation.id,
        Submission.state.in_(STAFF_VISIBLE_STATES),
    ).order_by(Submission.submitted_at)
    rows = []
    found = list(db.session.scalars(query))
    accepted = unnamed_organizations([s for s in found if s.is_accepted], "restricted")
    for submission in found:
        if may(current_user, "submission.view", submission):
            rows.append((submission, submission.lead_organization.name))
        elif may(current_user, "submission.read_restricted", submission):
            extra = [] if submission.is_accepted else [submission]
            anonymity = Anonymity(accepted + unnamed_organizations(extra, "restricted"))
            rows.append((submission, submission_credit(submission, "restricted", anonymity)))
    return render("submissions/list.html", consultation=consultation, rows=rows)


@bp.get("/organizations/<int:org_id>/submissions")
@login_required
def for_organization(org_id: int):
    org = load_organization(org_id, "organization.view_members")
    from app.submissions.models import Coauthor

    coauthoring = select(Coauthor.submission_id).where(
        Coauthor.organization_id == org.id, Coauthor.state.in_(("accepted", "invited"))
    )
    query = submission_query(
        (Submission.lead_organization_id == org.id) | Submission.id.in_(coauthoring)
    ).order_by(Submission.created_at.desc())
    return render(
        "submissions/for_organization.html", org=org, submissions=db.session.scalars(query).all()
    )
