"""The directory, registration, profiles and settings of organizations."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import gettext as _
from app.organizations import bp, queries, services
from app.organizations.forms import DirectoryFilterForm, JoinRequestForm, OrganizationForm
from app.organizations.loading import load_organization
from app.pagination import requested_page
from app.policy import require
from app.timeutil import utcnow
from app.web import go_to, render, safe_next


@bp.get("/organizations")
def directory():
    filters = DirectoryFilterForm(request.args)
    filters.validate()
    values = {name: filters[name].data or "" for name in ("q", "country", "kind", "language")}
    if filters.errors:
        values = dict.fromkeys(values, "")
    page = queries.directory_page(requested_page(), **values)
    return render(
        "organizations/directory.html", "results", filters=filters, page=page, values=values
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@login_required
def register():
    require(current_user, "organization.register")
    form = OrganizationForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("organizations/register.html", status=status, form=form)
    org = services.register_organization(current_user, utcnow(), **form.values())
    db.session.commit()
    flash(_("Your organization is registered. A facilitator will verify it."), "success")
    return go_to(url_for("organizations.profile", org_id=org.id))


@bp.get("/organizations/mine")
@login_required
def mine():
    memberships = queries.my_memberships(current_user)
    return render("organizations/mine.html", memberships=memberships)


@bp.get("/organizations/<int:org_id>")
def profile(org_id: int):
    org = load_organization(org_id)
    return render(
        "organizations/profile.html",
        org=org,
        join_form=JoinRequestForm(formdata=None),
        request_pending=queries.has_pending_request(current_user, org),
    )


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    org = load_organization(org_id, "organization.edit")
    form = OrganizationForm()
    if request.method == "GET":
        form.fill_from(org)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render("organizations/edit.html", status=status, form=form, org=org)
    services.update_organization(current_user, org, utcnow(), **form.values())
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return go_to(url_for("organizations.profile", org_id=org.id))


@bp.post("/organizations/<int:org_id>/delete")
@login_required
def delete(org_id: int):
    org = load_organization(org_id, "organization.delete")
    try:
        services.delete_organization(current_user, org, utcnow())
    except services.OrganizationInUse:
        flash(
            _("Only an organization with no other members and no submissions can be deleted."),
            "error",
        )
        return go_to(url_for("organizations.edit", org_id=org.id))
    db.session.commit()
    flash(_("The organization is deleted."), "success")
    return go_to(url_for("organizations.mine"))


@bp.post("/organizations/<int:org_id>/switch")
@login_required
def switch(org_id: int):
    org = load_organization(org_id, "organization.switch_to")
    services.set_active_organization(current_user, org)
    db.session.commit()
    flash(_("You are now working for %(org)s.", org=org.name), "success")
    return go_to(safe_next(request.form.get("next"), "organizations.mine"))
