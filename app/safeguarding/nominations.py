"""Becoming a focal point is never self-service.

An admin proposes a person (never themselves); the person accepts, with a second factor,
and enrols a key pair; only then are they a focal point. The existing focal points and all
admins are told (without any content). A new focal point reads no earlier report until
another focal point shares it with them.
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import select

from app.audit.services import record_event
from app.auth.models import Role, User
from app.consultations.models import Consultation, ConsultationStaff
from app.extensions import db
from app.i18n import gettext as _
from app.notifications.services import notify, notify_all
from app.policy import may
from app.safeguarding.keys import has_usable_key
from app.safeguarding.models import FocalPointNomination, InstanceFocalPoint
from app.safeguarding.queries import instance_focal_point_ids
from app.safeguarding.services import forget_cached_roles, seal_legacy_reports_for


class SelfNomination(Exception):
    """Nobody may propose themselves as a focal point."""


class AlreadyFocalPoint(Exception):
    pass


def is_focal_point(user: User, consultation: Consultation | None) -> bool:
    if consultation is None:
        return user.id in instance_focal_point_ids()
    return user.id in consultation.staff_ids("focal-point")


def propose(admin, person: User, consultation: Consultation | None, now: datetime):
    """A nomination for the person, who is told and must accept. Never the admin."""
    if not may(admin, "focal_point.propose", person):
        raise SelfNomination
    if is_focal_point(person, consultation):
        raise AlreadyFocalPoint
    consultation_id = consultation.id if consultation else None
    existing = db.session.scalar(
        select(FocalPointNomination).where(
            FocalPointNomination.user_id == person.id,
            FocalPointNomination.consultation_id.is_(None)
            if consultation_id is None
            else FocalPointNomination.consultation_id == consultation_id,
        )
    )
    if existing is not None:
        return existing
    nomination = FocalPointNomination(
        user_id=person.id, consultation_id=consultation_id, proposed_by_id=admin.id, created_at=now
    )
    db.session.add(nomination)
    db.session.flush()
    record_event(
        admin, "safety.focal_point_proposed", person, now=now, consultation=consultation_id
    )
    notify(person, "safety.nominated", now, url_for("safeguarding.nominations_page"))
    return nomination


def nominations_of(user) -> list[FocalPointNomination]:
    return list(
        db.session.scalars(
            select(FocalPointNomination)
            .where(FocalPointNomination.user_id == user.id)
            .order_by(FocalPointNomination.id)
        )
    )


def pending_nominations(consultation: Consultation | None) -> list[FocalPointNomination]:
    query = select(FocalPointNomination).order_by(FocalPointNomination.id)
    if consultation is None:
        query = query.where(FocalPointNomination.consultation_id.is_(None))
    else:
        query = query.where(FocalPointNomination.consultation_id == consultation.id)
    return list(db.session.scalars(query))


def accept(user: User, nomination: FocalPointNomination, now: datetime) -> bool:
    """Accept a nomination. True when the person is now a focal point; False when they must
    first enrol their key (the nomination waits, accepted, until they have)."""
    nomination.accepted_at = now
    record_event(user, "safety.nomination_accepted", user, now=now)
    if not has_usable_key(user):
        return False
    _become_focal_point(user, nomination, now)
    return True


def decline(user, nomination: FocalPointNomination, now: datetime) -> None:
    record_event(user, "safety.nomination_declined", user, now=now)
    db.session.delete(nomination)


def withdraw(admin, nomination: FocalPointNomination, now: datetime) -> None:
    record_event(admin, "safety.nomination_withdrawn", None, now=now, user=nomination.user_id)
    db.session.delete(nomination)


def after_enrolment(user: User, now: datetime) -> int:
    """The person's key is confirmed: accepted nominations take effect, and the old reports
    meant for them are sealed. Returns how many nominations took effect."""
    accepted = [n for n in nominations_of(user) if n.accepted_at is not None]
    for nomination in accepted:
        _become_focal_point(user, nomination, now)
    db.session.flush()
    forget_cached_roles()
    seal_legacy_reports_for(user, now)
    return len(accepted)


def _become_focal_point(user: User, nomination: FocalPointNomination, now: datetime) -> None:
    consultation = nomination.consultation
    already = _focal_points_of(consultation)
    if not is_focal_point(user, consultation):
        if consultation is None:
            db.session.add(InstanceFocalPoint(user_id=user.id))
        else:
            consultation.staff.append(ConsultationStaff(user_id=user.id, role="focal-point"))
    db.session.delete(nomination)
    db.session.flush()
    forget_cached_roles()
    record_event(
        nomination.proposed_by_id and db.session.get(User, nomination.proposed_by_id),
        "safety.focal_point_added",
        user,
        now=now,
        consultation=nomination.consultation_id,
    )
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN))
    notify_all(
        [u for u in [*already, *admins] if u.id != user.id],
        "safety.focal_point_joined",
        now,
    )


def _focal_points_of(consultation: Consultation | None) -> list[User]:
    if consultation is None:
        ids = instance_focal_point_ids()
        return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    return [s.user for s in consultation.staff if s.role == "focal-point"]


def propose_or_explain(admin, person, consultation, now) -> str | None:
    """Propose a person (both pages that name focal points come here): None when proposed,
    else what to tell the admin, next to the field."""
    if person is None:
        return _("No account has this name or e-mail.")
    try:
        propose(admin, person, consultation, now)
    except SelfNomination:
        return _("You cannot propose yourself. Another admin must propose you, and you accept.")
    except AlreadyFocalPoint:
        return _("This person is already a focal point.")
    return None
