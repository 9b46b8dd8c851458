"""The small admin area: accounts and their platform roles."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.admin import bp
from app.audit.services import record_event
from app.auth.models import ROLE_LABELS, Role, User
from app.extensions import db
from app.policy import require
from app.timeutil import utcnow
from app.web import go_to, render


@bp.get("/users")
@login_required
def users():
    require(current_user, "admin.access")
    q = (request.args.get("q") or "").strip().lower()[:80]
    query = select(User).order_by(User.username).limit(200)
    if q:
        query = query.where(User.username.contains(q) | User.display_name.ilike(f"%{q}%"))
    return render(
        "admin/users.html",
        users=db.session.scalars(query).all(),
        q=q,
        roles=[(r.value, str(ROLE_LABELS[r])) for r in Role],
    )


@bp.post("/users/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    require(current_user, "admin.access")
    user = db.get_or_404(User, user_id)
    role = request.form.get("role", "")
    if role not in {r.value for r in Role} or user.id == current_user.id:
        flash(_("This role cannot be set here."), "error")
        return go_to(url_for("admin.users"))
    old, user.role = user.role, role
    record_event(current_user, "user.role_changed", user, now=utcnow(), old=old, new=role)
    db.session.commit()
    label = str(ROLE_LABELS[Role(role)])
    flash(_("The role of %(name)s is now %(role)s.", name=user.display_name, role=label), "success")
    return go_to(url_for("admin.users"))
