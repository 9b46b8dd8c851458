"""Who the focal points are, read once per request."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import exists, select

from app.consultations.models import ConsultationStaff
from app.extensions import db
from app.safeguarding.models import InstanceFocalPoint


def instance_focal_point_ids() -> set[int]:
    if has_request_context() and "_instance_focal_points" in g:
        return g._instance_focal_points
    found = set(db.session.scalars(select(InstanceFocalPoint.user_id)))
    if has_request_context():
        g._instance_focal_points = found
    return found


def safety_role_columns(user_id) -> tuple:
    """The two questions of `safety_roles` as columns, for a statement that reads the
    signed-in account anyway (app/auth/sessions.py: load_user)."""
    instance = exists().where(InstanceFocalPoint.user_id == user_id)
    anywhere = exists().where(
        ConsultationStaff.user_id == user_id, ConsultationStaff.role == "focal-point"
    )
    return instance, anywhere


def remember_safety_roles(user_id: int, roles: tuple[bool, bool]) -> None:
    if has_request_context():
        g.setdefault("_safety_roles", {})[user_id] = (bool(roles[0]), bool(roles[1]))


def safety_roles(user) -> tuple[bool, bool]:
    """(focal point of the instance, focal point of some consultation) for this person: read
    with the signed-in account, or by one statement, once per request (every menu asks)."""
    remembered = g.get("_safety_roles", {}) if has_request_context() else {}
    if user.id not in remembered:
        roles = tuple(db.session.execute(select(*safety_role_columns(user.id))).one())
        remember_safety_roles(user.id, roles)
        return (bool(roles[0]), bool(roles[1]))
    return remembered[user.id]


def focal_point_consultation_ids(user) -> set[int]:
    return set(
        db.session.scalars(
            select(ConsultationStaff.consultation_id).where(
                ConsultationStaff.user_id == user.id, ConsultationStaff.role == "focal-point"
            )
        )
    )
