"""What the sessions, the board and safeguarding hold about a person, for their export."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from app.account.services import export_section
from app.consultations.models import Consultation
from app.extensions import db
from app.i18n import gettext as _
from app.moderation.models import Flag
from app.safeguarding.models import (
    FocalPointKey,
    FocalPointNomination,
    InstanceFocalPoint,
    ReportEnvelope,
    SafetyReport,
)
from app.sessions.models import (
    ConsultationSession,
    Contribution,
    SessionRegistration,
    SpeakingRequest,
)


def _at(moment) -> str | None:
    return moment.isoformat() if moment else None


@export_section(
    "session_registrations.user_id", "contributions.author_id", "speaking_requests.user_id"
)
def sessions_export(user):
    registrations = db.session.execute(
        select(ConsultationSession.title, ConsultationSession.starts_at, SessionRegistration)
        .join(SessionRegistration, SessionRegistration.session_id == ConsultationSession.id)
        .where(SessionRegistration.user_id == user.id)
        .order_by(ConsultationSession.starts_at)
    ).all()
    points = db.session.scalars(
        select(Contribution).where(Contribution.author_id == user.id).order_by(Contribution.id)
    )
    hands = db.session.execute(
        select(ConsultationSession.title, SpeakingRequest)
        .join(SpeakingRequest, SpeakingRequest.session_id == ConsultationSession.id)
        .where(SpeakingRequest.user_id == user.id)
        .order_by(SpeakingRequest.id)
    )
    return "sessions", {
        "registrations": [
            {
                "session": title,
                "starts_at": at.isoformat(),
                "for_organization": registration.organization.name,
                "registered_at": _at(registration.created_at),
            }
            for title, at, registration in registrations
        ],
        "board_points": [
            {
                "text": p.body,
                "type": p.contribution_type,
                "objectives": p.objectives,
                "organization_shown": p.show_organization,
                "state": p.state,
                "hidden_reason": p.hidden_reason,
                "at": p.created_at.isoformat(),
            }
            for p in points
        ],
        "raised_hands": [
            {"session": title, "state": hand.state, "at": _at(hand.raised_at)}
            for title, hand in hands
        ],
    }


@export_section("flags.reporter_id")
def moderation_export(user):
    flags = db.session.scalars(select(Flag).where(Flag.reporter_id == user.id))
    return "flags_you_made", [
        {"reason": f.reason, "details": f.details, "at": f.created_at.isoformat()} for f in flags
    ]


@export_section("safety_reports.reporter_id")
def safety_export(user):
    """What the server holds of reports filed under their name. Their text is sealed: the
    server cannot read it, so it cannot be in this file; the reporter reads it on the
    follow-up page with the private code. Anonymous reports are linked to nobody."""
    reports = db.session.execute(
        select(SafetyReport, Consultation)
        .outerjoin(Consultation, Consultation.id == SafetyReport.consultation_id)
        .where(SafetyReport.reporter_id == user.id)
        .order_by(SafetyReport.id)
    )
    sealed = _(
        "The text is sealed: not even this site can read it without your private code. "
        "Read it on the follow-up page with your code: %(link)s",
        link=url_for("safeguarding.follow_up", _external=True),
    )
    return "safety_reports_made_with_your_name", [
        {
            "sent_at": report.created_at.isoformat(),
            "consultation": consultation.title if consultation else None,
            "status": report.status,
            "messages": len(report.messages),
            "last_change": _at(report.updated_at),
            "text": sealed,
        }
        for report, consultation in reports
    ]


@export_section(
    "instance_focal_points.user_id",
    "focal_point_keys.user_id",
    "report_envelopes.user_id",
    "report_envelopes.shared_by_id",
    "focal_point_nominations.user_id",
    "focal_point_nominations.proposed_by_id",
)
def safeguarding_role_export(user):
    """A focal point's role, key and work, counted: which reports they can open is theirs to
    see on their inbox, not in a file that may be seized."""
    key = db.session.scalar(select(FocalPointKey).where(FocalPointKey.user_id == user.id))
    nominations = db.session.execute(
        select(FocalPointNomination, Consultation)
        .outerjoin(Consultation, Consultation.id == FocalPointNomination.consultation_id)
        .where(FocalPointNomination.user_id == user.id)
        .order_by(FocalPointNomination.id)
    )

    def count(*where) -> int:
        return db.session.scalars(select(func.count()).where(*where)).one()

    return "safeguarding_role", {
        "focal_point_for_general_reports": bool(count(InstanceFocalPoint.user_id == user.id)),
        "key_set_up_at": _at(key.created_at) if key else None,
        "key_confirmed_at": _at(key.confirmed_at) if key else None,
        "reports_you_can_open": count(ReportEnvelope.user_id == user.id),
        "reports_you_shared_with_a_colleague": count(ReportEnvelope.shared_by_id == user.id),
        "proposals_to_you": [
            {
                "consultation": consultation.title if consultation else None,
                "at": _at(nomination.created_at),
                "accepted_at": _at(nomination.accepted_at),
            }
            for nomination, consultation in nominations
        ],
        "people_you_proposed": count(FocalPointNomination.proposed_by_id == user.id),
    }
