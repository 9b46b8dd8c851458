"""The small admin area: accounts and their platform roles, and e-mail that failed."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.admin import bp
from app.audit.services import record_event
from app.auth.models import ROLE_LABELS, Role, User
from app.auth.services import RoleNotAllowed, change_role
from app.extensions import db
from app.i18n import gettext as _
from app.mail import discard_failed, failed_count, outbox_summary, retry_failed
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
        failed_mail=failed_count(),
        out_of_space=_last_out_of_space(),
    )


def _last_out_of_space():
    """When the server last ran out of space (in the past week), or None."""
    from datetime import timedelta

    from sqlalchemy import func

    from app.audit.models import AuditEvent

    return db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "server.out_of_space",
            AuditEvent.at > utcnow() - timedelta(days=7),
        )
    )


@bp.post("/users/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    require(current_user, "admin.access")
    user = db.get_or_404(User, user_id)
    role = request.form.get("role", "")
    try:
        change_role(current_user, user, role, utcnow())
    except RoleNotAllowed:
        flash(_("This role cannot be set here."), "error")
        return go_to(url_for("admin.users"))
    db.session.commit()
    label = str(ROLE_LABELS[Role(role)])
    flash(_("The role of %(name)s is now %(role)s.", name=user.display_name, role=label), "success")
    return go_to(url_for("admin.users"))


@bp.get("/mail")
@login_required
def mail():
    """E-mails that could not be sent, with the cause, and the mail settings in use."""
    require(current_user, "admin.access")
    config = current_app.config
    settings = {
        "backend": config["MAIL_BACKEND"],
        "server": config["MAIL_SERVER"],
        "port": config["MAIL_PORT"],
        "starttls": config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"],
        "ssl": config["MAIL_USE_SSL"],
    }
    return render("admin/mail.html", summary=outbox_summary(), settings=settings)


@bp.post("/mail/retry")
@login_required
def retry_mail():
    require(current_user, "admin.access")
    count = retry_failed(utcnow())
    record_event(current_user, "mail.retried", None, now=utcnow(), count=count)
    db.session.commit()
    flash(_("%(num)d e-mail(s) will be tried again.", num=count), "success")
    return go_to(url_for("admin.mail"))


@bp.post("/mail/discard")
@login_required
def discard_mail():
    require(current_user, "admin.access")
    count = discard_failed()
    record_event(current_user, "mail.discarded", None, now=utcnow(), count=count)
    db.session.commit()
    flash(_("%(num)d failed e-mail(s) deleted.", num=count), "success")
    return go_to(url_for("admin.mail"))
