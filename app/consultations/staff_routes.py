"""Admins assign facilitators and UN reviewers to a consultation, and propose focal points
(who become focal points only once they accept and enrol their key)."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required

from app.auth.services import find_account
from app.consultations import bp, services
from app.consultations.forms import StaffForm
from app.consultations.loading import load_consultation
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.timeutil import utcnow
from app.web import go_to, render


@bp.route("/consultations/<slug>/staff", methods=["GET", "POST"])
@login_required
def staff(slug: str):
    consultation = load_consultation(slug, "consultation.manage_staff")
    form = StaffForm()
    if not form.validate_on_submit():
        return _page(consultation, form, 422 if form.is_submitted() else 200)
    person = find_account(form.identifier.data or "")
    if form.role.data == "focal-point":
        return _propose_focal_point(consultation, form, person)
    try:
        services.assign_staff(current_user, consultation, person, form.role.data, utcnow())
    except services.NotEligibleForStaff:
        add_error(
            form.identifier,
            _(
                "No account with this name has that role. Give the role first, by the command "
                "line or the admin area."
            ),
        )
        return _page(consultation, form, 422)
    assert person is not None  # refused above: NotEligibleForStaff
    db.session.commit()
    flash(_("%(name)s is assigned.", name=person.display_name), "success")
    return go_to(url_for("consultations.staff", slug=slug))


def _propose_focal_point(consultation, form, person):
    """Any account can be proposed (a trusted person from civil society, say), but never the
    admin themselves; the person becomes a focal point once they accept and enrol a key."""
    from app.safeguarding.nominations import propose_or_explain

    error = propose_or_explain(current_user, person, consultation, utcnow())
    if error is not None:
        add_error(form.identifier, error)
        return _page(consultation, form, 422)
    db.session.commit()
    flash(
        _(
            "%(name)s is proposed. They become a focal point once they accept and set up "
            "their key.",
            name=person.display_name,
        ),
        "success",
    )
    return go_to(url_for("consultations.staff", slug=consultation.slug))


def _page(consultation, form, status=200):
    from app.safeguarding.nominations import pending_nominations

    return render(
        "consultations/staff.html",
        status=status,
        form=form,
        consultation=consultation,
        proposed=pending_nominations(consultation),
    )


@bp.post("/consultations/<slug>/staff/<int:staff_id>/remove")
@login_required
def remove_staff(slug: str, staff_id: int):
    consultation = load_consultation(slug, "consultation.manage_staff")
    assignment = next((s for s in consultation.staff if s.id == staff_id), None)
    if assignment is None:
        abort(404)
    services.remove_staff(current_user, consultation, assignment, utcnow())
    db.session.commit()
    flash(_("The assignment is removed."), "success")
    return go_to(url_for("consultations.staff", slug=slug))
