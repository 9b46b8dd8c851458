"""Co-authors: the lead invites organizations; their owners accept or decline; they may leave."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.consultations.queries import owned_organizations
from app.extensions import db
from app.i18n import gettext as _
from app.inputs import id_from
from app.organizations.loading import load_organization
from app.policy import may, require
from app.submissions import bp, services
from app.submissions.attribution import consultation_anonymity, submission_credit
from app.submissions.forms import RespondForm
from app.submissions.loading import load_submission
from app.submissions.models import Coauthor
from app.timeutil import utcnow
from app.web import go_to, render


@bp.route("/submissions/<int:submission_id>/coauthors", methods=["GET", "POST"])
@login_required
def coauthors(submission_id: int):
    submission = load_submission(submission_id, "submission.manage")
    link = None
    chosen = id_from(request.form.get("organization_id"))
    if request.method == "POST" and chosen:
        org = load_organization(chosen)
        try:
            services.invite_coauthor(current_user, submission, org, utcnow())
        except services.WrongState:
            flash(_("%(org)s is already part of this submission.", org=org.name), "info")
        else:
            db.session.commit()
            flash(_("%(org)s is invited. Its owners decide.", org=org.name), "success")
        return go_to(url_for("submissions.coauthors", submission_id=submission_id))
    if request.method == "POST" and request.form.get("make_link"):
        token = services.create_coauthor_link(current_user, submission, utcnow())
        db.session.commit()
        link = url_for("submissions.coauthor_link", token=token, _external=True)
    return render(
        "submissions/coauthors.html",
        submission=submission,
        link=link,
        candidates=_candidates(submission),
    )


def _candidates(submission):
    """Listed, verified organizations taking part in the same consultation."""
    taken = {submission.lead_organization_id} | {c.organization_id for c in submission.coauthors}
    return sorted(
        (
            p.organization
            for p in submission.consultation.participations
            if p.joined and p.organization.is_public and p.organization_id not in taken
        ),
        key=lambda org: org.name,
    )


@bp.route("/coauthor-invitations/<token>", methods=["GET", "POST"])
@login_required
def coauthor_link(token: str):
    try:
        link = services.find_coauthor_link(token, utcnow())
    except services.LinkInvalid:
        return render("submissions/link_problem.html", status=404)
    owned = owned_organizations(current_user)
    chosen = id_from(request.form.get("organization_id"))
    if request.method == "POST" and chosen:
        org = next((o for o in owned if o.id == chosen), None)
        if org is None:
            abort(403)
        try:
            coauthor = services.use_coauthor_link(current_user, token, org, utcnow())
        except services.WrongState:  # e.g. the lead organization, or one invited already
            db.session.rollback()
            flash(_("%(org)s is already part of this submission.", org=org.name), "info")
            return go_to(url_for("submissions.coauthor_link", token=token))
        db.session.commit()
        return go_to(
            url_for(
                "submissions.coauthor", submission_id=link.submission_id, coauthor_id=coauthor.id
            )
        )
    return render(
        "submissions/coauthor_link.html", owned=owned, consultation=link.submission.consultation
    )


def _coauthor(submission, coauthor_id: int) -> Coauthor:
    found = next((c for c in submission.coauthors if c.id == coauthor_id), None)
    if found is None:
        abort(404)
    return found


def _load_for_coauthor(submission_id: int, coauthor_id: int):
    """The invited owner sees the text before deciding, even before their organization writes."""
    from app.submissions.loading import submission_query
    from app.submissions.models import Submission

    submission = db.session.scalar(submission_query(Submission.id == submission_id))
    if submission is None:
        abort(404)
    coauthor = _coauthor(submission, coauthor_id)
    if not may(current_user, "coauthor.respond", coauthor):
        abort(404)
    return submission, coauthor


@bp.route("/submissions/<int:submission_id>/coauthors/<int:coauthor_id>", methods=["GET", "POST"])
@login_required
def coauthor(submission_id: int, coauthor_id: int):
    submission, found = _load_for_coauthor(submission_id, coauthor_id)
    form = RespondForm()
    decision = request.form.get("decision")
    if request.method == "POST" and decision in ("accept", "decline") and form.validate():
        try:
            services.respond_to_invitation(
                current_user, found, decision == "accept", form.attribution.data, utcnow()
            )
        except services.WrongState:
            flash(_("This invitation was already answered."), "info")
        else:
            db.session.commit()
        return go_to(
            url_for("submissions.view", submission_id=submission.id)
            if decision == "accept"
            else url_for("organizations.mine")
        )
    return render(
        "submissions/coauthor.html",
        submission=submission,
        coauthor=found,
        form=form,
        credit_public=submission_credit(
            submission, "public", consultation_anonymity(submission, "public")
        ),
    )


@bp.post("/submissions/<int:submission_id>/coauthors/<int:coauthor_id>/leave")
@login_required
def leave_coauthoring(submission_id: int, coauthor_id: int):
    submission = load_submission(submission_id)
    found = _coauthor(submission, coauthor_id)
    require(current_user, "coauthor.respond", found)
    try:
        services.leave_coauthoring(current_user, found, utcnow())
    except services.WrongState:
        flash(_("The submission is sent already: co-authors can no longer leave."), "error")
        return go_to(url_for("submissions.view", submission_id=submission_id))
    db.session.commit()
    flash(_("%(org)s is no longer a co-author.", org=found.organization.name), "success")
    return go_to(url_for("organizations.mine"))
