from __future__ import annotations

from flask import url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.sessions import passive
from app.extensions import db
from app.notifications import bp, services
from app.notifications.messages import describe_all
from app.notifications.models import Notification
from app.policy import require
from app.timeutil import utcnow
from app.web import go_to, render, safe_next


@bp.get("")
@login_required
def index():
    items = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    ).all()
    return render("notifications/index.html", "list", items=items, texts=describe_all(items))


@bp.get("/count")
@passive
@login_required
def count():
    """The unread badge; htmx polls it, and polling does not count as activity."""
    return render("notifications/_count.html", unread=services.unread_count(current_user))


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    require(current_user, "notification.read", notification, hide=True)
    services.mark_read(notification, utcnow())
    db.session.commit()
    return go_to(safe_next(notification.link, "notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user, utcnow())
    db.session.commit()
    return go_to(url_for("notifications.index"))
