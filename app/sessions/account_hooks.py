"""What the sessions, the board and safeguarding hold about a person, for their export."""

from __future__ import annotations

from sqlalchemy import select

from app.account.services import export_section
from app.extensions import db
from app.moderation.models import Flag
from app.safeguarding.models import SafetyReport
from app.sessions.models import ConsultationSession, Contribution, SessionRegistration


@export_section
def sessions_export(user):
    registrations = db.session.execute(
        select(ConsultationSession.title, ConsultationSession.starts_at)
        .join(SessionRegistration, SessionRegistration.session_id == ConsultationSession.id)
        .where(SessionRegistration.user_id == user.id)
        .order_by(ConsultationSession.starts_at)
    ).all()
    points = db.session.scalars(
        select(Contribution).where(Contribution.author_id == user.id).order_by(Contribution.id)
    )
    return "sessions", {
        "registrations": [
            {"session": title, "starts_at": at.isoformat()} for title, at in registrations
        ],
        "board_points": [
            {"text": p.body, "state": p.state, "at": p.created_at.isoformat()} for p in points
        ],
    }


@export_section
def moderation_export(user):
    flags = db.session.scalars(select(Flag).where(Flag.reporter_id == user.id))
    return "flags_you_made", [
        {"reason": f.reason, "details": f.details, "at": f.created_at.isoformat()} for f in flags
    ]


@export_section
def safety_export(user):
    """Only dates and statuses: what a report says stays out of files that may be seized;
    the reporter reads it with their private code. Anonymous reports are not linked."""
    reports = db.session.scalars(select(SafetyReport).where(SafetyReport.reporter_id == user.id))
    return "safety_reports_made_with_your_name", [
        {"sent_at": r.created_at.isoformat(), "status": r.status} for r in reports
    ]
