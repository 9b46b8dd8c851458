"""Admins assign facilitators and UN reviewers to a consultation."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth.services import find_account
from app.consultations import bp, services
from app.consultations.forms import StaffForm
from app.consultations.routes import load_consultation
from app.extensions import db
from app.timeutil import utcnow
from app.web import go_to, render


@bp.route("/consultations/<slug>/staff", methods=["GET", "POST"])
@login_required
def staff(slug: str):
    consultation = load_consultation(slug, "consultation.manage_staff")
    form = StaffForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "consultations/staff.html", status=status, form=form, consultation=consultation
        )
    person = find_account(form.identifier.data)
    # Any account can be a focal point (a trusted person from civil society, say);
    # facilitators and UN reviewers need that role on their account first.
    needs_role = form.role.data != "focal-point"
    if person is None or (needs_role and person.role not in {form.role.data, "admin"}):
        form.identifier.errors.append(
            _(
                "No account with this name has that role. Give the role first, by the command "
                "line or the admin area."
            )
        )
        return render("consultations/staff.html", status=422, form=form, consultation=consultation)
    services.assign_staff(current_user, consultation, person, form.role.data, utcnow())
    db.session.commit()
    flash(_("%(name)s is assigned.", name=person.display_name), "success")
    return go_to(url_for("consultations.staff", slug=slug))


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
