"""Submit (with every co-author's sign-off), withdraw, decide, extend, and sign on."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.inputs import id_from
from app.organizations.loading import load_organization
from app.policy import require
from app.submissions import bp, services
from app.submissions.forms import EndorseForm, ExtensionForm, FeedbackForm
from app.submissions.loading import load_submission, load_submission_to_read
from app.submissions.states import SubmissionState
from app.timeutil import local_to_utc, utcnow
from app.web import go_to, render


def _back(submission, message: str | None = None, category: str = "success"):
    if message:
        flash(message, category)
    return go_to(url_for("submissions.view", submission_id=submission.id))


def _problem(error: Exception) -> str:
    return {
        services.DeadlinePassed: _("The deadline has passed. Ask the facilitators for more time."),
        services.NotVerified: _("Your organization must be verified before it can submit here."),
        services.EmptySubmission: _("Write at least one section before submitting."),
        services.WrongState: _("This cannot be done at this stage of the submission."),
    }[type(error)]


@bp.post("/submissions/<int:submission_id>/submit")
@login_required
def submit(submission_id: int):
    submission = load_submission(submission_id, "submission.manage")
    from app.submissions.routes import _overview

    empty = services.empty_sections(submission)
    if empty and request.form.get("send_with_empty") != "yes":
        # Ask first, naming the empty sections; "send anyway" posts send_with_empty=yes.
        return _overview(submission, 422, empty_sections=empty)
    try:
        services.request_submission(current_user, submission, utcnow())
    except services.OverWordLimit as over:
        db.session.rollback()
        return _overview(load_submission(submission_id), 422, over_limit=over.sections)
    except (
        services.DeadlinePassed,
        services.NotVerified,
        services.EmptySubmission,
        services.WrongState,
    ) as error:
        db.session.rollback()
        return _back(submission, _problem(error), "error")
    db.session.commit()
    if submission.state == SubmissionState.SUBMITTED:
        return _back(submission, _("Your submission is sent to the facilitators."))
    return _back(submission, _("The co-authors are asked to confirm the final text."))


@bp.post("/submissions/<int:submission_id>/sign-off")
@login_required
def sign_off(submission_id: int):
    submission = load_submission(submission_id, "submission.sign_off")
    chosen = id_from(request.form.get("organization_id"))
    if chosen not in submission.organization_ids():
        abort(400)
    org = load_organization(chosen)
    require(current_user, "organization.edit", org)  # an owner of that organization
    try:
        services.sign_off(current_user, submission, org, utcnow())
    except (services.DeadlinePassed, services.WrongState) as error:
        db.session.rollback()
        return _back(submission, _problem(error), "error")
    db.session.commit()
    return _back(submission, _("%(org)s confirmed the text.", org=org.name))


@bp.post("/submissions/<int:submission_id>/reopen")
@login_required
def reopen(submission_id: int):
    submission = load_submission(submission_id, "submission.manage")
    try:
        services.reopen(current_user, submission, utcnow())
    except services.WrongState as error:
        return _back(submission, _problem(error), "error")
    db.session.commit()
    return _back(submission, _("The text can be changed again. Confirmations were cleared."))


@bp.post("/submissions/<int:submission_id>/withdraw")
@login_required
def withdraw(submission_id: int):
    submission = load_submission(submission_id, "submission.manage")
    try:
        services.withdraw(current_user, submission, utcnow())
    except (services.DeadlinePassed, services.WrongState) as error:
        return _back(submission, _problem(error), "error")
    db.session.commit()
    return _back(submission, _("The submission is withdrawn."))


@bp.post("/submissions/<int:submission_id>/accept")
@login_required
def accept(submission_id: int):
    submission = load_submission(submission_id, "submission.decide")
    try:
        services.accept(current_user, submission, utcnow())
    except services.WrongState as error:
        return _back(submission, _problem(error), "error")
    db.session.commit()
    return _back(submission, _("The submission is accepted."))


@bp.route("/submissions/<int:submission_id>/return", methods=["GET", "POST"])
@login_required
def return_submission(submission_id: int):
    submission = load_submission(submission_id, "submission.decide")
    form = FeedbackForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("submissions/return.html", status=status, submission=submission, form=form)
    try:
        services.return_with_feedback(current_user, submission, form.feedback.data or "", utcnow())
    except services.WrongState as error:
        return _back(submission, _problem(error), "error")
    db.session.commit()
    return _back(submission, _("The submission is returned with your feedback."))


@bp.route("/submissions/<int:submission_id>/extend", methods=["GET", "POST"])
@login_required
def extend(submission_id: int):
    submission = load_submission(submission_id, "submission.decide")
    form = ExtensionForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("submissions/extend.html", status=status, submission=submission, form=form)
    assert form.until.data is not None  # a required field
    until = local_to_utc(form.until.data, submission.consultation.timezone)
    if until <= utcnow():
        add_error(form.until, _("Choose a moment in the future."))
        return render("submissions/extend.html", status=422, submission=submission, form=form)
    services.extend_deadline(current_user, submission, until, utcnow())
    db.session.commit()
    flash(_("This submission has more time now."), "success")
    return go_to(url_for("consultations.dashboard", slug=submission.consultation.slug))


@bp.post("/submissions/<int:submission_id>/endorsements")
@login_required
def endorse(submission_id: int):
    submission, _edition = load_submission_to_read(submission_id)
    chosen = id_from(request.form.get("organization_id"))
    if not chosen:
        return _back(submission, _("Choose an organization and how it is credited."), "error")
    org = load_organization(chosen)
    require(current_user, "submission.endorse", (submission, org))
    form = EndorseForm(organizations=[org])
    if not form.validate_on_submit():
        return _back(submission, _("Choose an organization and how it is credited."), "error")
    services.endorse(current_user, submission, org, form.attribution.data, utcnow())
    db.session.commit()
    return _back(submission, _("%(org)s signs on to this submission.", org=org.name))


@bp.post("/submissions/<int:submission_id>/endorsements/<int:endorsement_id>/withdraw")
@login_required
def withdraw_endorsement(submission_id: int, endorsement_id: int):
    submission, _edition = load_submission_to_read(submission_id)
    found = next((e for e in submission.endorsements if e.id == endorsement_id), None)
    if found is None:
        abort(404)
    require(current_user, "organization.edit", found.organization)
    services.withdraw_endorsement(current_user, found, utcnow())
    db.session.commit()
    return _back(submission, _("The sign-on is withdrawn."))
