"""The parts of a person's export that belong to the account itself, and to staff work."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.account.services import export_section
from app.audit.models import AuditEvent
from app.auth.models import AccountSession, AccountToken
from app.auth.services import unused_recovery_codes
from app.extensions import db
from app.mail import OutboxMessage
from app.notifications.messages import describe_all
from app.notifications.models import Notification

# Other areas' models are imported where they are used: this module loads with the account
# blueprint, before those areas' packages.


def _at(moment) -> str | None:
    return moment.isoformat() if moment else None


@export_section("recovery_codes.user_id", "account_sessions.user_id", "account_tokens.user_id")
def account_export(user):
    active = user.active_organization
    return "account", {
        "sign_in_name": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "language": user.locale,
        "time_zone": user.timezone,
        "second_factor": user.has_two_factor,
        "unused_recovery_codes": unused_recovery_codes(user),
        "acting_for_organization": active.name if active else None,
        "created_at": user.created_at.isoformat(),
        "signed_in_browsers": [
            {"since": _at(s.created_at), "last_active": _at(s.last_seen_at)}
            for s in db.session.scalars(
                select(AccountSession)
                .where(AccountSession.user_id == user.id)
                .order_by(AccountSession.id)
            )
        ],
        "links_sent_by_email": [
            {"purpose": t.purpose, "expires_at": _at(t.expires_at), "used_at": _at(t.used_at)}
            for t in db.session.scalars(
                select(AccountToken)
                .where(AccountToken.user_id == user.id)
                .order_by(AccountToken.id)
            )
        ],
    }


@export_section("audit_events.actor_id")
def security_events_export(user):
    """What they did, and what was done to their account. Who else acted is not said."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user.id),
            )
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return "security_events", [
        {
            "at": e.at.isoformat(),
            "action": e.action,
            "by_you": e.actor_id == user.id,
            "about": e.subject_type if e.subject_type != "User" else None,
            "about_id": e.subject_id if e.subject_type != "User" else None,
        }
        for e in events
    ]


@export_section("notifications.user_id")
def notifications_export(user):
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()
    texts = describe_all(notes)
    return "notifications", [
        {
            "at": n.created_at.isoformat(),
            "kind": n.kind,
            "text": texts[n.id],
            "link": n.link,
            "read_at": _at(n.read_at),
        }
        for n in notes
    ]


@export_section("outbox.user_id")
def outbox_export(user):
    """E-mails to them that wait to be sent (their content is only in the e-mail)."""
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)
    )
    return "emails_waiting", [
        {
            "kind": m.template,
            "queued_at": m.created_at.isoformat(),
            "failed_tries": m.attempts,
            "given_up_at": _at(m.failed_at),
        }
        for m in messages
    ]


@export_section(
    "consultation_staff.user_id",
    "compilations.created_by_id",
    "compilation_downloads.user_id",
    "organizations.verified_by_id",
)
def staff_work_export(user):
    """Staff roles and what was recorded of staff work, by consultation; organizations that a
    facilitator verified are counted, not named (the audit events say when)."""
    from app.compilations.models import Compilation, CompilationFile, DownloadRecord
    from app.consultations.models import Consultation, ConsultationStaff
    from app.organizations.models import Organization

    roles = db.session.execute(
        select(ConsultationStaff.role, Consultation)
        .join(Consultation, Consultation.id == ConsultationStaff.consultation_id)
        .where(ConsultationStaff.user_id == user.id)
        .order_by(ConsultationStaff.id)
    )
    built = db.session.execute(
        select(Compilation, Consultation)
        .join(Consultation, Consultation.id == Compilation.consultation_id)
        .where(Compilation.created_by_id == user.id)
        .order_by(Compilation.id)
    )
    downloads = db.session.execute(
        select(DownloadRecord, CompilationFile.format)
        .join(CompilationFile, CompilationFile.id == DownloadRecord.file_id)
        .where(DownloadRecord.user_id == user.id)
        .order_by(DownloadRecord.id)
    )
    verified = db.session.scalars(
        select(Organization.id).where(Organization.verified_by_id == user.id)
    ).all()
    return "staff_work", {
        "roles": [{"consultation": c.title, "role": role} for role, c in roles],
        "compilations_built": [
            {"consultation": c.title, "version": b.number, "at": _at(b.created_at)}
            for b, c in built
        ],
        "restricted_downloads": [
            {"format": fmt, "as": d.role, "at": _at(d.downloaded_at)} for d, fmt in downloads
        ],
        "organizations_verified_or_refused": len(verified),
    }
