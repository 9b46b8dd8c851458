"""Who the focal points are, read once per request."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

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


def focal_point_anywhere(user) -> bool:
    return (
        db.session.scalar(
            select(ConsultationStaff.id)
            .where(ConsultationStaff.user_id == user.id, ConsultationStaff.role == "focal-point")
            .limit(1)
        )
        is not None
    )


def focal_point_consultation_ids(user) -> set[int]:
    return set(
        db.session.scalars(
            select(ConsultationStaff.consultation_id).where(
                ConsultationStaff.user_id == user.id, ConsultationStaff.role == "focal-point"
            )
        )
    )
