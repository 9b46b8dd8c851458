"""Organizations join and leave consultations; facilitators invite them."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user, login_required

from app.consultations import bp, queries, services
from app.consultations.forms import JoinForm
from app.consultations.loading import load_consultation
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.inputs import id_from
from app.organizations.loading import load_organization
from app.policy import may, require
from app.timeutil import utcnow
from app.web import go_to, render


def _chosen_organization():
    """The organization named in the form: hidden ones are 404, and the policy decides
    (in the route) whether this person may act for it."""
    chosen = id_from(request.form.get("organization_id"))
    return load_organization(chosen) if chosen else None


def _acting_for(slug: str):
    """The consultation, and the organization whose owner acts (None, with a message,
    when the form named none)."""
    consultation = load_consultation(slug)
    org = _chosen_organization()
    if org is None:
        flash(_("Choose one of the organizations you own."), "error")
        return consultation, None
    require(current_user, "consultation.join", (consultation, org))
    return consultation, org


@bp.post("/consultations/<slug>/join")
@login_required
def join(slug: str):
    consultation, org = _acting_for(slug)
    if org is None:
        return go_to(url_for("consultations.view", slug=slug))
    _join_and_say(lambda: services.join(current_user, consultation, org, utcnow()), org)
    return go_to(url_for("consultations.view", slug=slug))


def _join_and_say(attempt, org) -> None:
    """Join (directly or by link), commit, and say what happened."""
    try:
        attempt()
    except services.NotOpen:
        flash(_("This consultation does not take new organizations now."), "error")
    except services.InvitationRequired:
        flash(_("Only invited organizations can take part in this consultation."), "error")
    except services.AlreadyJoined:
        flash(_("%(org)s already takes part.", org=org.name), "info")
    else:
        db.session.commit()
        flash(_("%(org)s now takes part in this consultation.", org=org.name), "success")


@bp.post("/consultations/<slug>/leave")
@login_required
def leave(slug: str):
    consultation, org = _acting_for(slug)
    if org is None:
        return go_to(url_for("consultations.view", slug=slug))
    try:
        services.leave(current_user, consultation, org, utcnow())
    except services.CannotLeave:
        flash(
            _("%(org)s has submitted to this consultation, so it cannot leave.", org=org.name),
            "error",
        )
        return go_to(url_for("consultations.view", slug=slug))
    db.session.commit()
    flash(_("%(org)s no longer takes part.", org=org.name), "success")
    return go_to(url_for("consultations.view", slug=slug))


@bp.route("/consultations/<slug>/invite", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    consultation = load_consultation(slug, "consultation.invite")
    chosen = id_from(request.form.get("organization_id"))
    if request.method == "POST" and chosen:
        org = load_organization(chosen)
        services.invite_organization(current_user, consultation, org, utcnow())
        db.session.commit()
        flash(_("%(org)s is invited. Its owners are told.", org=org.name), "success")
        return go_to(url_for("consultations.invite", slug=slug))
    link = None
    if request.method == "POST" and request.form.get("make_link"):
        token = services.create_invitation_link(current_user, consultation, utcnow())
        db.session.commit()
        link = url_for("consultations.invitation_link", token=token, _external=True)
    q = (request.args.get("q") or "").strip()[:100]
    found = queries.invitable_organizations(consultation, q) if q else []
    return render(
        "consultations/invite.html",
        "results",
        consultation=consultation,
        found=found,
        q=q,
        link=link,
    )


@bp.route("/consultation-invitations/<token>", methods=["GET", "POST"])
def invitation_link(token: str):
    try:
        link = services.find_invitation_link(token, utcnow())
    except services.LinkExpired:
        return render("consultations/link_problem.html", status=410, problem="expired")
    except services.LinkInvalid:
        return render("consultations/link_problem.html", status=404, problem="invalid")
    consultation = link.consultation
    owned = queries.owned_organizations(current_user)
    form = JoinForm(organizations=owned)
    if request.method == "POST" and form.validate_on_submit():
        org = load_organization(form.organization_id.data)
        if not may(current_user, "consultation.join", (consultation, org)):
            # Said next to the field, with the refusal's status (never a 200 that did nothing).
            add_error(form.organization_id, _("This organization cannot join with this link."))
            return render(
                "consultations/invitation_link.html",
                status=403,
                consultation=consultation,
                form=form,
                owned=owned,
            )
        _join_and_say(lambda: services.join_with_link(current_user, token, org, utcnow()), org)
        return go_to(url_for("consultations.view", slug=consultation.slug))
    return render(
        "consultations/invitation_link.html", consultation=consultation, form=form, owned=owned
    )
