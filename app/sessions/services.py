"""Sessions: planning, registration with a capacity, reminders, cancellation and minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select, update

from app.audit.services import record_event
from app.extensions import db
from app.mail import mail_enabled
from app.notifications.services import email_notification, notify_all
from app.sessions.models import ConsultationSession, SessionRegistration
from app.sessions.queries import joined_organizations, registration_count

# Fields a facilitator sets on the form; the service copies only these.
EDITABLE = ("title", "format", "starts_at", "ends_at", "timezone", "agenda", "capacity")
PRIVATE = ("meeting_link", "place")
REMINDERS = (("1d", timedelta(days=1)), ("1h", timedelta(hours=1)))


class SessionClosed(Exception):
    """The session has ended or was cancelled: registration is over."""


class SessionFull(Exception):
    """Every seat is taken."""


class NotTakingPart(Exception):
    """The organization has not joined this consultation, or the person is not its member."""


class CapacityBelowRegistrations(Exception):
    def __init__(self, registered: int):
        self.registered = registered


def create_session(user, consultation, values: dict, now: datetime) -> ConsultationSession:
    session = ConsultationSession(consultation_id=consultation.id, created_at=now)
    _apply(session, values)
    db.session.add(session)
    db.session.flush()
    record_event(user, "session.created", session, now=now, consultation=consultation.id)
    return session


def update_session(user, session: ConsultationSession, values: dict, now: datetime) -> None:
    capacity = values.get("capacity")
    if capacity is not None:
        taken = registration_count(session)
        if capacity < taken:
            raise CapacityBelowRegistrations(taken)
    _apply(session, values)
    record_event(user, "session.updated", session, now=now, consultation=session.consultation_id)


def _apply(session: ConsultationSession, values: dict) -> None:
    for name in EDITABLE:
        if name in values:
            setattr(session, name, values[name])
    for name in PRIVATE:
        if name in values:
            setattr(session, name, values[name] or None)


def cancel_session(user, session: ConsultationSession, reason: str, now: datetime) -> None:
    if session.cancelled_at is not None:
        return
    session.cancelled_at, session.cancel_reason = now, reason
    record_event(user, "session.cancelled", session, now=now, consultation=session.consultation_id)
    notify_all(
        registered_users(session),
        "session.cancelled",
        now,
        url_for("sessions.view", session_id=session.id),
        session=session.title,
    )


def registered_users(session: ConsultationSession) -> list:
    query = select(SessionRegistration).where(SessionRegistration.session_id == session.id)
    return [r.user for r in db.session.scalars(query)]


def register(user, session: ConsultationSession, organization, now: datetime):
    """Register the person for the session, for one of their organizations taking part."""
    if session.state(now) in ("ended", "cancelled"):
        raise SessionClosed
    allowed = {org.id for org in joined_organizations(user, session.consultation)}
    if organization is None or organization.id not in allowed:
        raise NotTakingPart
    _lock(session)
    existing = db.session.scalar(
        select(SessionRegistration).where(
            SessionRegistration.session_id == session.id, SessionRegistration.user_id == user.id
        )
    )
    if existing is not None:
        existing.organization_id = organization.id
        return existing
    if session.capacity is not None and registration_count(session) >= session.capacity:
        raise SessionFull
    registration = SessionRegistration(
        session_id=session.id, user_id=user.id, organization_id=organization.id, created_at=now
    )
    db.session.add(registration)
    # Raise the board version: the newcomer's first poll must not get a stale 304.
    session.board_version = ConsultationSession.board_version + 1
    return registration


def _lock(session: ConsultationSession) -> None:
    """Serialize registrations of one session, so the last seat is given only once: a row
    lock on PostgreSQL; on SQLite, a no-op write first, which takes the database's write
    lock (waiting for it), like BEGIN IMMEDIATE."""
    if db.session.get_bind().dialect.name == "sqlite":
        same = ConsultationSession.board_version
        db.session.execute(
            update(ConsultationSession)
            .where(ConsultationSession.id == session.id)
            .values(board_version=same)
        )
    db.session.execute(
        select(ConsultationSession.id).where(ConsultationSession.id == session.id).with_for_update()
    )


def unregister(user, session: ConsultationSession, now: datetime) -> bool:
    registration = db.session.scalar(
        select(SessionRegistration).where(
            SessionRegistration.session_id == session.id, SessionRegistration.user_id == user.id
        )
    )
    if registration is None:
        return False
    db.session.delete(registration)
    return True


def send_session_reminders(now: datetime, tally: dict[str, int] | None = None) -> int:
    """Remind registered people one day and one hour before; each reminder once in the app,
    and once by e-mail as soon as a mail server is configured (`tally["emailed"]`)."""
    tally = tally if tally is not None else {}
    count = 0
    horizon = now + REMINDERS[0][1]
    upcoming = db.session.scalars(
        select(ConsultationSession).where(
            ConsultationSession.starts_at > now,
            ConsultationSession.starts_at <= horizon,
            ConsultationSession.cancelled_at.is_(None),
        )
    )
    mail = mail_enabled()
    for session in upcoming:
        due = _due_reminder(session, now)
        if due is None:
            continue
        for registration in _registrations(session):
            if due not in registration.reminded.split(","):
                registration.reminded = _with(registration.reminded, due)
                notify_all(
                    [registration.user],
                    f"session.reminder_{due}",
                    now,
                    url_for("sessions.view", session_id=session.id),
                    email=False,
                    session=session.title,
                )
                count += 1
            if mail and due not in (registration.emailed or "").split(","):
                registration.emailed = _with(registration.emailed, due)
                email_notification(registration.user, f"session.reminder_{due}")
                tally["emailed"] = tally.get("emailed", 0) + 1
    return count


def _with(sent: str, key: str) -> str:
    return ",".join(filter(None, [sent, key]))


def _due_reminder(session: ConsultationSession, now: datetime) -> str | None:
    left = session.starts_at - now
    due = None
    for key, before in REMINDERS:
        if left <= before:
            due = key
    return due


def _registrations(session: ConsultationSession) -> list[SessionRegistration]:
    return list(
        db.session.scalars(
            select(SessionRegistration).where(SessionRegistration.session_id == session.id)
        )
    )


# --- Minutes ---------------------------------------------------------------------------------


def save_minutes(user, session: ConsultationSession, text: str, now: datetime) -> None:
    session.minutes = text
    record_event(user, "session.minutes_saved", session, now=now)


def publish_minutes(user, session: ConsultationSession, now: datetime) -> None:
    first = session.minutes_published_at is None
    session.minutes_published_at = now
    record_event(user, "session.minutes_published", session, now=now)
    if first:
        notify_all(
            registered_users(session),
            "session.minutes",
            now,
            url_for("sessions.minutes", session_id=session.id),
            session=session.title,
        )


def minutes_outline(session: ConsultationSession, contributions, labels: dict) -> str:
    """A first draft of the minutes from the approved contributions, grouped by type.

    Organizations are named only where the contributor chose to show them to others.
    """
    lines: list[str] = []
    for kind, label in labels.items():
        points = [c for c in contributions if c.contribution_type == kind]
        if not points:
            continue
        lines.append(f"## {label}\n")
        for point in points:
            who = f" ({point.organization.name})" if point.show_organization else ""
            lines.append(f"- {point.body.strip()}{who}")
        lines.append("")
    return "\n".join(lines).strip() + "\n" if lines else ""
