"""Members of an organization: roles, invitations by link, join requests, leaving."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.organizations import bp, queries, services
from app.organizations.forms import DecisionForm, InvitationForm, JoinRequestForm, RoleForm
from app.organizations.loading import load_organization
from app.organizations.models import Invitation, JoinRequest, Membership
from app.timeutil import utcnow
from app.web import go_to, render


def _members_page(org, status=200, **forms):
    now = utcnow()
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organization_id == org.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.created_at.desc())
    ).all()
    return render(
        "organizations/members.html",
        status=status,
        org=org,
        members=queries.members_of(org),
        requests=queries.pending_requests(org),
        invitations=invitations,
        invitation_form=forms.get("invitation_form") or InvitationForm(formdata=None),
        new_link=forms.get("new_link"),
    )


def _membership(org, member_id: int) -> Membership:
    membership = db.session.get(Membership, member_id)
    if membership is None or membership.organization_id != org.id:
        abort(404)
    return membership


@bp.get("/organizations/<int:org_id>/members")
@login_required
def members(org_id: int):
    return _members_page(load_organization(org_id, "organization.view_members"))


@bp.post("/organizations/<int:org_id>/members/<int:member_id>/role")
@login_required
def change_role(org_id: int, member_id: int):
    org = load_organization(org_id, "organization.manage_members")
    membership = _membership(org, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
        return go_to(url_for("organizations.members", org_id=org.id))
    try:
        services.change_role(current_user, membership, form.role.data, utcnow())
    except services.LastOwner:
        flash(
            _("An organization needs at least one owner. Make someone else owner first."), "error"
        )
        return go_to(url_for("organizations.members", org_id=org.id))
    db.session.commit()
    flash(_("The role is changed."), "success")
    return go_to(url_for("organizations.members", org_id=org.id))


@bp.post("/organizations/<int:org_id>/members/<int:member_id>/remove")
@login_required
def remove_member(org_id: int, member_id: int):
    org = load_organization(org_id, "organization.manage_members")
    try:
        services.remove_member(current_user, _membership(org, member_id), utcnow())
    except services.LastOwner:
        flash(
            _("An organization needs at least one owner. Make someone else owner first."), "error"
        )
        return go_to(url_for("organizations.members", org_id=org.id))
    db.session.commit()
    flash(_("The member is removed."), "success")
    return go_to(url_for("organizations.members", org_id=org.id))


@bp.post("/organizations/<int:org_id>/leave")
@login_required
def leave(org_id: int):
    org = load_organization(org_id, "organization.leave")
    membership = org.membership_of(current_user)
    assert membership is not None  # organization.leave is for members only
    try:
        services.leave_organization(current_user, membership, utcnow())
    except services.LastOwner:
        flash(_("You are the last owner. Make someone else owner before you leave."), "error")
        return go_to(url_for("organizations.members", org_id=org.id))
    db.session.commit()
    flash(_("You left %(org)s.", org=org.name), "success")
    return go_to(url_for("organizations.mine"))


@bp.post("/organizations/<int:org_id>/invitations")
@login_required
def invite(org_id: int):
    org = load_organization(org_id, "organization.manage_members")
    form = InvitationForm()
    if not form.validate_on_submit():
        return _members_page(org, 422, invitation_form=form)
    token = services.create_invitation(
        current_user, org, form.role.data, utcnow(), email=form.email.data or None
    )
    db.session.commit()
    link = url_for("organizations.invitation", token=token, _external=True)
    return _members_page(org, 201, new_link=link)


@bp.post("/organizations/<int:org_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(org_id: int, invitation_id: int):
    org = load_organization(org_id, "organization.manage_members")
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organization_id != org.id:
        abort(404)
    services.revoke_invitation(current_user, invitation, utcnow())
    db.session.commit()
    flash(_("The link no longer works."), "success")
    return go_to(url_for("organizations.members", org_id=org.id))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    try:
        found = services.find_invitation(token, utcnow())
    except services.InvitationExpired:
        return render("organizations/invitation_problem.html", status=410, problem="expired")
    except services.InvitationInvalid:
        return render("organizations/invitation_problem.html", status=404, problem="invalid")
    org = found.organization
    already = current_user.is_authenticated and org.membership_of(current_user) is not None
    if not current_user.is_authenticated or already or not DecisionForm().is_submitted():
        return render("organizations/invitation.html", invitation=found, org=org, already=already)
    services.accept_invitation(current_user, token, utcnow())
    db.session.commit()
    flash(_("Welcome to %(org)s.", org=org.name), "success")
    return go_to(url_for("organizations.profile", org_id=org.id))


@bp.post("/organizations/<int:org_id>/join-requests")
@login_required
def request_to_join(org_id: int):
    org = load_organization(org_id, "organization.request_to_join")
    form = JoinRequestForm()
    if not form.validate_on_submit():
        return render(
            "organizations/profile.html", status=422, org=org, join_form=form, request_pending=False
        )
    try:
        services.request_to_join(current_user, org, form.message.data or "", utcnow())
    except services.RequestPending:
        flash(_("Your request is already waiting for an answer."), "info")
        return go_to(url_for("organizations.profile", org_id=org.id))
    db.session.commit()
    flash(_("Your request is sent. The owners will answer it."), "success")
    return go_to(url_for("organizations.profile", org_id=org.id))


@bp.post(
    "/organizations/<int:org_id>/join-requests/<int:request_id>/<any(approve, refuse):decision>"
)
@login_required
def decide_request(org_id: int, request_id: int, decision: str):
    org = load_organization(org_id, "organization.manage_members")
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or join_request.organization_id != org.id:
        abort(404)
    if join_request.state != "pending":
        flash(_("This request was already answered."), "info")
        return go_to(url_for("organizations.members", org_id=org.id))
    form = DecisionForm()
    role = form.role.data if form.validate_on_submit() else "viewer"
    services.decide_join_request(current_user, join_request, decision == "approve", utcnow(), role)
    db.session.commit()
    return go_to(url_for("organizations.members", org_id=org.id))
