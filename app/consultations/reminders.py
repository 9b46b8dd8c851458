"""Deadline reminders: 7 days and 1 day before, once per organization.

Run `flask --app wsgi consultations send-reminders` from cron (every 15 minutes is plenty).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation, DeadlineReminder, Participation
from app.extensions import db
from app.mail import mail_enabled
from app.notifications.services import email_notification, notify_all
from app.organizations.models import Organization

THRESHOLDS = (("1d", timedelta(days=1)), ("7d", timedelta(days=7)))


def due_kind(consultation: Consultation, now: datetime) -> str | None:
    """The reminder due now: the nearest threshold the deadline is within."""
    left = consultation.deadline_at - now
    if left <= timedelta(0):
        return None
    for kind, window in THRESHOLDS:
        if left <= window:
            return kind
    return None


def send_deadline_reminders(now: datetime, tally: dict[str, int] | None = None) -> int:
    """Notify owners and editors of every joined organization, in the app and by e-mail.
    Returns how many organizations were told in the app; `tally["emailed"]` counts those
    whose e-mails went to an outbox that sends them."""
    tally = tally if tally is not None else {}
    query = (
        select(Consultation)
        .where(
            Consultation.published.is_(True),
            Consultation.compiled_at.is_(None),
            Consultation.deadline_at > now,
            Consultation.deadline_at <= now + THRESHOLDS[-1][1],
        )
        .options(
            selectinload(Consultation.participations)
            .selectinload(Participation.organization)
            .selectinload(Organization.memberships)
        )
    )
    sent = 0
    for consultation in db.session.scalars(query):
        kind = due_kind(consultation, now)
        if kind is None:
            continue
        for participation in consultation.participations:
            if participation.joined:
                sent += _remind(consultation, participation, kind, now, tally)
    return sent


def _remind(consultation, participation, kind: str, now: datetime, tally) -> int:
    """In the app once; by e-mail once, as soon as a mail server is configured."""
    record, new = _reminder_record(consultation, participation, kind, now)
    org = participation.organization
    people = [m.user for m in org.memberships if m.role in ("owner", "editor")]
    if new:
        link = url_for("consultations.view", slug=consultation.slug)
        notify_all(
            people,
            f"consultation.deadline_{kind}",
            now,
            link,
            email=False,
            consultation=consultation.title,
        )
    if record.emailed_at is None and mail_enabled():
        for person in people:
            email_notification(person, f"consultation.deadline_{kind}")
        record.emailed_at = now
        tally["emailed"] = tally.get("emailed", 0) + 1
    return 1 if new else 0


def _reminder_record(consultation, participation, kind: str, now: datetime):
    record = db.session.scalar(
        select(DeadlineReminder).where(
            DeadlineReminder.consultation_id == consultation.id,
            DeadlineReminder.organization_id == participation.organization_id,
            DeadlineReminder.kind == kind,
        )
    )
    if record is not None:
        return record, False
    record = DeadlineReminder(
        consultation_id=consultation.id,
        organization_id=participation.organization_id,
        kind=kind,
        sent_at=now,
    )
    db.session.add(record)
    return record, True
