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
from app.notifications.services import notify_all
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


def send_deadline_reminders(now: datetime) -> int:
    """Notify owners and editors of every joined organization; returns how many were told."""
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
            if participation.joined and _record_once(consultation, participation, kind, now):
                _notify(consultation, participation.organization, kind, now)
                sent += 1
    return sent


def _record_once(consultation, participation, kind: str, now: datetime) -> bool:
    exists = db.session.scalar(
        select(DeadlineReminder.id).where(
            DeadlineReminder.consultation_id == consultation.id,
            DeadlineReminder.organization_id == participation.organization_id,
            DeadlineReminder.kind == kind,
        )
    )
    if exists:
        return False
    db.session.add(
        DeadlineReminder(
            consultation_id=consultation.id,
            organization_id=participation.organization_id,
            kind=kind,
            sent_at=now,
        )
    )
    return True


def _notify(consultation, org, kind: str, now: datetime) -> None:
    people = [m.user for m in org.memberships if m.role in ("owner", "editor")]
    link = url_for("consultations.view", slug=consultation.slug)
    notify_all(people, f"consultation.deadline_{kind}", now, link, consultation=consultation.title)
