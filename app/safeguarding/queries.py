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


def safety_roles(user) -> tuple[bool, bool]:
    """(focal point of the instance, focal point of some consultation) for this person: one
    statement per request, as every page's menu asks."""
    remembered = g.get("_safety_roles", {}) if has_request_context() else {}
    if user.id not in remembered:
        instance = exists().where(InstanceFocalPoint.user_id == user.id)
        anywhere = exists().where(
            ConsultationStaff.user_id == user.id, ConsultationStaff.role == "focal-point"
        )
        remembered[user.id] = tuple(db.session.execute(select(instance, anywhere)).one())
        if has_request_context():
            g._safety_roles = remembered
    return remembered[user.id]


def focal_point_consultation_ids(user) -> set[int]:
    return set(
        db.session.scalars(
            select(ConsultationStaff.consultation_id).where(
                ConsultationStaff.user_id == user.id, ConsultationStaff.role == "focal-point"
            )
        )
    )
