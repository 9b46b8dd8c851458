"""In-app notifications, with an e-mail that says only what kind of thing is new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from app.extensions import db
from app.mail import queue_email
from app.notifications.models import Notification

# Sent by e-mail at once, whatever else is unread: a safety report and every reply to it, and
# reminders (they are worth nothing late), and phase notices (each goes out once).
IMMEDIATE_KINDS = frozenset(
    {
        "safety.report",
        "safety.message",
        "safety.update",
        "safety.shared",
        "consultation.deadline_7d",
        "consultation.deadline_1d",
        "session.reminder_1d",
        "session.reminder_1h",
        "consultation.opened",
        "consultation.deadline_changed",
        "consultation.closed",
        "consultation.compiled",
        "consultation.outcome",
    }
)


def notify(
    user, kind: str, now: datetime, link: str | None = None, *, email: bool = True, **params
) -> Notification:
    """Tell a person something. Params hold names of organizations and consultations and ids
    (a person is `person_id`, named at display time), never private text."""
    had_unread = unread_count(user) > 0
    notification = Notification(
        user_id=user.id, kind=kind, params=params, link=link, created_at=now
    )
    db.session.add(notification)
    # One e-mail per batch of unread notifications, so nobody's inbox fills up.
    if email and (kind in IMMEDIATE_KINDS or not had_unread):
        email_notification(user, kind)
    return notification


def email_notification(user, kind: str) -> bool:
    """Queue the e-mail that says what kind of thing is new; False when none can be sent."""
    return queue_email(user, "notification", kind=kind)


def notify_all(
    users, kind: str, now: datetime, link: str | None = None, *, email: bool = True, **params
) -> None:
    for user in {u.id: u for u in users}.values():
        notify(user, kind, now, link, email=email, **params)


def forget_person(user_id: int) -> None:
    """Before an account is deleted: other people's notifications stop pointing to it."""
    notes = db.session.scalars(
        select(Notification).where(Notification.params["person_id"].as_integer() == user_id)
    )
    for note in notes:
        note.params = {**note.params, "person_id": None}


def unread_count(user) -> int:
    return db.session.scalars(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ).one()


def mark_read(notification: Notification, now: datetime) -> None:
    if notification.read_at is None:
        notification.read_at = now


def mark_all_read(user, now: datetime) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
