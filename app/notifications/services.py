"""In-app notifications, with an e-mail that says only that there is something new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from app.extensions import db
from app.mail import queue_email
from app.notifications.models import Notification


def notify(user, kind: str, now: datetime, link: str | None = None, **params) -> Notification:
    """Tell a person something. Params hold names and ids, never private text."""
    had_unread = unread_count(user) > 0
    notification = Notification(
        user_id=user.id, kind=kind, params=params, link=link, created_at=now
    )
    db.session.add(notification)
    # One e-mail per batch of unread notifications, so nobody's inbox fills up.
    if not had_unread:
        queue_email(user, "notification")
    return notification


def notify_all(users, kind: str, now: datetime, link: str | None = None, **params) -> None:
    for user in {u.id: u for u in users}.values():
        notify(user, kind, now, link, **params)


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_read(notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        notification.read_at = now


def mark_all_read(user, now: datetime) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
