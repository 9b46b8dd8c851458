"""Reads about sessions that permission checks and pages share, cached per request."""

from __future__ import annotations

from functools import cache

from flask import g, has_request_context
from sqlalchemy import bindparam, func, select

from app.consultations.models import Participation
from app.extensions import db
from app.organizations.models import Membership, Organization
from app.sessions.models import ConsultationSession, SessionRegistration


def _cached(key: str, load):
    if not has_request_context():
        return load()
    if key not in g:
        setattr(g, key, load())
    return g.get(key)


def registration_of(user, session: ConsultationSession) -> SessionRegistration | None:
    def load():
        return db.session.scalar(
            select(SessionRegistration).where(
                SessionRegistration.session_id == session.id,
                SessionRegistration.user_id == user.id,
            )
        )

    return _cached(f"_registration_{session.id}_{user.id}", load)


def joined_organizations(user, consultation) -> list[Organization]:
    """The person's organizations that have joined this consultation."""

    def load():
        query = (
            select(Organization)
            .join(Membership, Membership.organization_id == Organization.id)
            .join(Participation, Participation.organization_id == Organization.id)
            .where(
                Membership.user_id == user.id,
                Participation.consultation_id == consultation.id,
                Participation.state == "joined",
            )
            .order_by(Organization.name)
        )
        return list(db.session.scalars(query))

    return _cached(f"_joined_{consultation.id}_{user.id}", load)


def registration_count(session: ConsultationSession) -> int:
    return db.session.scalars(
        select(func.count(SessionRegistration.id)).where(
            SessionRegistration.session_id == session.id
        )
    ).one()


@cache
def _sessions_of():
    """Built once: the consultation page runs it on every view."""
    return (
        select(ConsultationSession)
        .where(ConsultationSession.consultation_id == bindparam("consultation_id"))
        .order_by(ConsultationSession.starts_at)
    )


def sessions_of(consultation) -> list[ConsultationSession]:
    return list(db.session.scalars(_sessions_of(), {"consultation_id": consultation.id}))


def registration_counts(sessions) -> dict[int, int]:
    ids = [s.id for s in sessions]
    if not ids:
        return {}
    rows = db.session.execute(
        select(SessionRegistration.session_id, func.count(SessionRegistration.id))
        .where(SessionRegistration.session_id.in_(ids))
        .group_by(SessionRegistration.session_id)
    )
    return dict(rows.tuples().all())


def my_registrations(user, sessions) -> set[int]:
    if not user.is_authenticated or not sessions:
        return set()
    return set(
        db.session.scalars(
            select(SessionRegistration.session_id).where(
                SessionRegistration.user_id == user.id,
                SessionRegistration.session_id.in_([s.id for s in sessions]),
            )
        )
    )
