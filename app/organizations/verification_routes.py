"""The facilitators' verification queue: verify, reject, or revoke, always with a reason."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import gettext as _
from app.organizations import bp, queries, services
from app.organizations.forms import ReasonForm, VerificationFilterForm
from app.organizations.loading import load_organization
from app.pagination import requested_page
from app.policy import require
from app.timeutil import utcnow
from app.web import go_to, render


@bp.get("/organizations/verification")
@login_required
def verification_queue():
    require(current_user, "verification.queue")
    filters = VerificationFilterForm(request.args)
    values = {
        "state": request.args.get("state", "pending"),
        "kind": filters.kind.data or "",
        "country": filters.country.data or "",
    }
    if not filters.validate():
        values = {"state": "pending", "kind": "", "country": ""}
    page = queries.verification_page(current_user, requested_page(), **values)
    return render(
        "organizations/verification.html",
        "results",
        filters=filters,
        page=page,
        values=values,
        reason_form=ReasonForm(formdata=None),
    )


@bp.post("/organizations/<int:org_id>/verify")
@login_required
def verify(org_id: int):
    org = load_organization(org_id, "organization.verify")
    services.verify_organization(current_user, org, utcnow())
    db.session.commit()
    flash(_("%(org)s is verified. Its owners are told.", org=org.name), "success")
    return go_to(url_for("organizations.verification_queue"))


@bp.post("/organizations/<int:org_id>/<any(reject, revoke):decision>")
@login_required
def reject(org_id: int, decision: str):
    org = load_organization(org_id, "organization.verify")
    form = ReasonForm()
    if not form.validate_on_submit():
        return render(
            "organizations/decision.html", status=422, org=org, form=form, decision=decision
        )
    if decision == "reject":
        services.reject_organization(current_user, org, form.reason.data or "", utcnow())
    else:
        services.revoke_verification(current_user, org, form.reason.data or "", utcnow())
    db.session.commit()
    flash(_("Your decision on %(org)s is saved. Its owners are told.", org=org.name), "success")
    return go_to(url_for("organizations.verification_queue"))


@bp.get("/organizations/<int:org_id>/<any(reject, revoke):decision>")
@login_required
def reject_form(org_id: int, decision: str):
    org = load_organization(org_id, "organization.verify")
    return render(
        "organizations/decision.html", org=org, form=ReasonForm(formdata=None), decision=decision
    )
