"""Safety reports: made in confidence, read only by the focal points they are meant for.

What a reporter writes is stored encrypted (SafetyReport.content, SafetyMessage.body). The
reporter follows the report with a private code that is shown once and stored only as a
keyed hash. Notifications and e-mails say only that something arrived, never what.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.audit.services import record_event
from app.auth.models import User
from app.extensions import db
from app.notifications.services import notify, notify_all
from app.safeguarding.models import InstanceFocalPoint, SafetyMessage, SafetyReport
from app.safeguarding.queries import focal_point_consultation_ids, instance_focal_point_ids

# No letters or digits that are easily mixed up when copied by hand (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20  # about 99 bits: guessing is hopeless, and tries are rate-limited
STATUSES = ("received", "in-review", "acting", "closed")
WISHES = ("record", "talk", "facilitators", "un")
AFFECTED = ("me", "someone", "organization")


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)


def code_hash(code: str) -> str:
    key = hashlib.sha256(b"safety-code:" + current_app.config["SECRET_KEY"].encode()).digest()
    return hmac.new(key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


@dataclass
class ReportContent:
    """What the reporter told us; kept only in encrypted form."""

    what_happened: str
    when: str = ""
    affected: str = "me"
    wishes: tuple[str, ...] = ()
    contact: str = ""

    def to_json(self) -> str:
        return json.dumps(
            {
                "what_happened": self.what_happened,
                "when": self.when,
                "affected": self.affected,
                "wishes": list(self.wishes),
                "contact": self.contact,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> ReportContent:
        data = json.loads(raw)
        data["wishes"] = tuple(data.get("wishes", ()))
        return cls(**data)


def submit_report(
    reporter, consultation, content: ReportContent, anonymous: bool, now: datetime
) -> tuple[SafetyReport, str]:
    """Store the report and tell its focal points that one arrived. Returns the code."""
    code = new_code()
    for_instance = consultation is None or not _consultation_focal_points(consultation)
    report = SafetyReport(
        consultation_id=consultation.id if consultation else None,
        for_instance=for_instance,
        reporter_id=None if anonymous or reporter is None else reporter.id,
        content=content.to_json(),
        code_hash=code_hash(code),
        created_at=now,
        updated_at=now,
    )
    db.session.add(report)
    db.session.flush()
    # No actor, even when the reporter gave their name: the audit log is read by admins.
    record_event(None, "safety.report_received", report, now=now)
    notify_all(readers(report), "safety.report", now, url_for("safeguarding.inbox"))
    return report, code


def _consultation_focal_points(consultation) -> list[User]:
    return [s.user for s in consultation.staff if s.role == "focal-point"]


def readers(report: SafetyReport) -> list[User]:
    if report.for_instance:
        ids = instance_focal_point_ids()
        return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    return _consultation_focal_points(report.consultation)


def report_by_code(code: str) -> SafetyReport | None:
    if len(normalize_code(code)) != CODE_LENGTH:
        return None
    return db.session.scalar(
        select(SafetyReport)
        .where(SafetyReport.code_hash == code_hash(code))
        .options(selectinload(SafetyReport.messages))
    )


def content_of(report: SafetyReport) -> ReportContent:
    return ReportContent.from_json(report.content)


def inbox(user) -> list[SafetyReport]:
    """The reports this focal point may read (the policy decides), open ones first."""
    from app.policy import may

    candidates = select(SafetyReport).where(
        or_(
            SafetyReport.for_instance.is_(True),
            SafetyReport.consultation_id.in_(focal_point_consultation_ids(user)),
        )
    )
    readable = [
        r
        for r in db.session.scalars(candidates.order_by(SafetyReport.updated_at.desc()))
        if may(user, "safety.read", r)
    ]
    return sorted(readable, key=lambda r: r.status == "closed")


def record_reading(user, report: SafetyReport, now: datetime) -> None:
    record_event(user, "safety.report_read", report, now=now)


def set_status(user, report: SafetyReport, status: str, now: datetime) -> None:
    if status == report.status:
        return
    report.status, report.updated_at = status, now
    record_event(user, "safety.status_changed", report, now=now, status=status)
    _tell_reporter(report, now)


def reply(user, report: SafetyReport, body: str, now: datetime) -> None:
    report.messages.append(SafetyMessage(from_focal_point=True, body=body, created_at=now))
    report.updated_at = now
    record_event(user, "safety.replied", report, now=now)
    _tell_reporter(report, now)


def add_reporter_message(report: SafetyReport, body: str, now: datetime) -> None:
    report.messages.append(SafetyMessage(from_focal_point=False, body=body, created_at=now))
    report.updated_at = now
    record_event(None, "safety.reporter_wrote", report, now=now)
    notify_all(readers(report), "safety.message", now, url_for("safeguarding.inbox"))


def _tell_reporter(report: SafetyReport, now: datetime) -> None:
    """Only a reporter who gave their name hears of it; the others look with their code."""
    if report.reporter_id is None:
        return
    reporter = db.session.get(User, report.reporter_id)
    if reporter is not None:
        notify(reporter, "safety.update", now, url_for("safeguarding.follow_up"))


# --- Instance focal points -------------------------------------------------------------------


def add_instance_focal_point(admin, user: User, now: datetime) -> None:
    if user.id in instance_focal_point_ids():
        return
    db.session.add(InstanceFocalPoint(user_id=user.id))
    record_event(admin, "safety.focal_point_added", user, now=now)


def remove_instance_focal_point(admin, focal_point: InstanceFocalPoint, now: datetime) -> None:
    record_event(admin, "safety.focal_point_removed", None, now=now, user=focal_point.user_id)
    db.session.delete(focal_point)


def reports_of(user) -> list[SafetyReport]:
    """Reports a signed-in person made under their own name."""
    return list(
        db.session.scalars(
            select(SafetyReport)
            .where(SafetyReport.reporter_id == user.id)
            .options(selectinload(SafetyReport.messages))
            .order_by(SafetyReport.created_at.desc())
        )
    )


def instance_focal_points() -> list[InstanceFocalPoint]:
    return list(
        db.session.scalars(
            select(InstanceFocalPoint).options(selectinload(InstanceFocalPoint.user))
        )
    )
