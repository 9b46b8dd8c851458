"""Safety reports: made in confidence, read only by the focal points they are meant for.

A report, its evidence file and every message are locked with a random content key, and the
content key is sealed, when the report is filed, to each of its focal points' public keys and
to a key pair derived from the reporter's private code (see sealing.py). The server holds the
plaintext only while it handles the request. The code is shown once and stored only as a
keyed hash. Notifications and e-mails say only that something arrived, never what.

Reports made before sealing keep the instance's encryption until a focal point they were
meant for enrols a key (or the reporter comes back with the code): then they are sealed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from app.audit.services import record_event
from app.auth.models import User
from app.extensions import db
from app.notifications.services import notify, notify_all
from app.safeguarding.keys import KeyLocked, current_private_key, key_of
from app.safeguarding.models import (
    FocalPointKey,
    InstanceFocalPoint,
    ReportEnvelope,
    SafetyMessage,
    SafetyReport,
)
from app.safeguarding.queries import focal_point_consultation_ids, instance_focal_point_ids
from app.safeguarding.sealing import (
    CannotOpen,
    KdfSpec,
    code_key_pair,
    lock,
    lock_json,
    new_key,
    open_envelope,
    seal,
    unlock,
    unlock_json,
)

__all__ = ["CannotOpen", "KeyLocked"]

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
    """What the reporter told us; kept only sealed."""

    what_happened: str
    when: str = ""
    affected: str = "me"
    wishes: tuple[str, ...] = ()
    contact: str = ""
    evidence_name: str = ""
    evidence_kind: str = ""

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"wishes": list(self.wishes)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> ReportContent:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["wishes"] = tuple(data.get("wishes", ()))
        return cls(**data)

    @classmethod
    def from_json(cls, raw: str) -> ReportContent:
        return cls.from_dict(json.loads(raw))


@dataclass
class Evidence:
    """A cleaned file (app.files.services.read_and_clean) with the name it was sent under."""

    name: str
    kind: str
    data: bytes


@dataclass
class OpenedMessage:
    message: SafetyMessage
    body: str
    evidence_name: str = ""


@dataclass
class OpenedReport:
    """A report opened for one request: its content key (None for an old, unsealed report)
    and what it says. Never stored, logged or passed to a job."""

    report: SafetyReport
    content_key: bytes | None
    content: ReportContent
    messages: list[OpenedMessage] = field(default_factory=list)

    @property
    def legacy(self) -> bool:
        return self.content_key is None


class NotShared(Exception):
    """The report was not sealed to this focal point (filed before they became one)."""


# --- Filing -----------------------------------------------------------------------------------


def submit_report(
    reporter,
    consultation,
    content: ReportContent,
    anonymous: bool,
    now: datetime,
    evidence: Evidence | None = None,
) -> tuple[SafetyReport, str]:
    """Seal the report to its focal points and to the reporter's code, and tell the focal
    points that one arrived. Returns the report and the code (shown once)."""
    code = new_code()
    content_key = new_key()
    for_instance = consultation is None or not _consultation_focal_points(consultation)
    report = SafetyReport(
        consultation_id=consultation.id if consultation else None,
        for_instance=for_instance,
        reporter_id=None if anonymous or reporter is None else reporter.id,
        code_hash=code_hash(code),
        created_at=now,
        updated_at=now,
    )
    if consultation is not None:
        report.consultation = consultation
    if evidence is not None:
        content.evidence_name, content.evidence_kind = evidence.name, evidence.kind
        report.evidence_file = _write_evidence(content_key, evidence.data)
    report.sealed_content = lock_json(content_key, content.to_dict())
    _seal_to_reporter(report, content_key, code)
    db.session.add(report)
    _seal_to_readers(report, content_key, now)
    db.session.flush()
    # No actor, even when the reporter gave their name: the audit log is read by admins.
    record_event(None, "safety.report_received", report, now=now)
    notify_all(readers(report), "safety.report", now, url_for("safeguarding.inbox"))
    return report, code


def _seal_to_reporter(report: SafetyReport, content_key: bytes, code: str) -> None:
    if report.reporter_kdf is None:
        spec = KdfSpec.new("code")
        report.reporter_kdf = spec.encode()
        report.reporter_public_key = bytes(code_key_pair(normalize_code(code), spec).public_key)
    assert report.reporter_public_key is not None  # set with reporter_kdf
    report.reporter_envelope = seal(report.reporter_public_key, content_key)


def _seal_to_readers(report: SafetyReport, content_key: bytes, now: datetime) -> int:
    """An envelope for every focal point the report is meant for who has a key."""
    sealed = 0
    for user_id, public_key in _reader_keys(report).items():
        report.envelopes.append(
            ReportEnvelope(
                user_id=user_id, sealed_key=seal(public_key, content_key), created_at=now
            )
        )
        sealed += 1
    return sealed


def _reader_keys(report: SafetyReport) -> dict[int, bytes]:
    ids = [u.id for u in readers(report)]
    if not ids:
        return {}
    keys = db.session.scalars(
        select(FocalPointKey).where(
            FocalPointKey.user_id.in_(ids), FocalPointKey.confirmed_at.is_not(None)
        )
    )
    return {k.user_id: k.public_key for k in keys}


def _consultation_focal_points(consultation) -> list[User]:
    return [s.user for s in consultation.staff if s.role == "focal-point"]


def readers(report: SafetyReport) -> list[User]:
    if report.for_instance:
        ids = instance_focal_point_ids()
        return list(db.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []
    if report.consultation is None:
        return []
    return _consultation_focal_points(report.consultation)


def waiting_readers(report: SafetyReport) -> list[User]:
    """Focal points of this report who have a key but no envelope: someone may share it."""
    keys = _reader_keys(report)
    have = {e.user_id for e in report.envelopes}
    return [u for u in readers(report) if u.id in keys and u.id not in have]


# --- Evidence files ---------------------------------------------------------------------------


def _evidence_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "safety"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_evidence(content_key: bytes, data: bytes) -> str:
    """The file is locked with the content key before it touches the disk."""
    name = secrets.token_hex(24)
    (_evidence_folder() / name).write_bytes(lock(content_key, data))
    return name


def read_evidence(opened: OpenedReport, storage_name: str | None) -> bytes:
    if opened.content_key is None or not storage_name:
        raise CannotOpen
    path = _evidence_folder() / storage_name
    if not path.is_file():
        raise CannotOpen
    return unlock(opened.content_key, path.read_bytes())


# --- Opening ----------------------------------------------------------------------------------


def report_by_code(code: str) -> SafetyReport | None:
    if len(normalize_code(code)) != CODE_LENGTH:
        return None
    return db.session.scalar(
        select(SafetyReport)
        .where(SafetyReport.code_hash == code_hash(code))
        .options(selectinload(SafetyReport.messages))
    )


def open_for_focal_point(user, report: SafetyReport) -> OpenedReport:
    """Open with the person's unlocked key. NotShared, KeyLocked or CannotOpen otherwise."""
    if not report.is_sealed:
        return _open_legacy(report)
    envelope = report.envelope_for(user.id)
    if envelope is None:
        raise NotShared
    private_key = current_private_key(user)
    content_key = open_envelope(private_key, envelope.sealed_key)
    opened = _opened(report, content_key)
    if report.reporter_public_key is not None and report.reporter_envelope is None:
        # An old report sealed before the reporter came back: now they can read it too.
        report.reporter_envelope = seal(report.reporter_public_key, content_key)
    return opened


def open_for_reporter(report: SafetyReport, code: str, now: datetime) -> OpenedReport | None:
    """Open with the reporter's code. None when the report is sealed but not (yet) to the
    code: an old report sealed before the reporter came back."""
    if not report.is_sealed:
        if _reader_keys(report):
            seal_legacy_report(report, now, code=code)
            return _opened(report, _reporter_content_key(report, code))
        _remember_reporter_key(report, code)
        return _open_legacy(report)
    if report.reporter_envelope is None:
        _remember_reporter_key(report, code)
        return None
    return _opened(report, _reporter_content_key(report, code))


def _reporter_content_key(report: SafetyReport, code: str) -> bytes:
    assert report.reporter_envelope is not None  # the caller checked, or has just sealed it
    private_key = code_key_pair(normalize_code(code), KdfSpec.parse(report.reporter_kdf))
    return open_envelope(private_key, report.reporter_envelope)


def _remember_reporter_key(report: SafetyReport, code: str) -> None:
    if report.reporter_kdf is None:
        spec = KdfSpec.new("code")
        report.reporter_kdf = spec.encode()
        report.reporter_public_key = bytes(code_key_pair(normalize_code(code), spec).public_key)


def _opened(report: SafetyReport, content_key: bytes) -> OpenedReport:
    assert report.sealed_content is not None  # only sealed reports are opened with a key
    content = ReportContent.from_dict(unlock_json(content_key, report.sealed_content))
    messages = []
    for message in report.messages:
        if message.sealed_body is None:
            raise CannotOpen
        data = unlock_json(content_key, message.sealed_body)
        messages.append(OpenedMessage(message, data["body"], data.get("evidence_name", "")))
    return OpenedReport(report, content_key, content, messages)


def _open_legacy(report: SafetyReport) -> OpenedReport:
    assert report.content is not None  # an unsealed report keeps its (encrypted) content
    messages = [OpenedMessage(m, m.body or "") for m in report.messages]
    return OpenedReport(report, None, ReportContent.from_json(report.content), messages)


# --- Sealing old reports ----------------------------------------------------------------------


def seal_legacy_report(report: SafetyReport, now: datetime, code: str | None = None) -> None:
    """Seal a report made before sealing to its focal points who have a key (and to the
    reporter, when their code or public key is known), then forget the old encryption."""
    assert report.content is not None  # an unsealed report keeps its (encrypted) content
    content_key = new_key()
    report.sealed_content = lock_json(
        content_key, ReportContent.from_json(report.content).to_dict()
    )
    for message in report.messages:
        message.sealed_body = lock_json(content_key, {"body": message.body or ""})
        message.body = None
    report.content = None
    if code is not None:
        _seal_to_reporter(report, content_key, code)
    elif report.reporter_public_key is not None:
        report.reporter_envelope = seal(report.reporter_public_key, content_key)
    _seal_to_readers(report, content_key, now)
    record_event(None, "safety.report_sealed", report, now=now)


def seal_legacy_reports_for(user, now: datetime) -> int:
    """When a focal point enrols: seal the old reports meant for them."""
    from app.policy import may

    old = db.session.scalars(
        select(SafetyReport)
        .where(SafetyReport.sealed_content.is_(None))
        .options(selectinload(SafetyReport.messages), selectinload(SafetyReport.envelopes))
    )
    sealed = 0
    for report in old:
        if may(user, "safety.read", report):
            seal_legacy_report(report, now)
            sealed += 1
    return sealed


# --- Acting on a report -----------------------------------------------------------------------


def inbox(user) -> list[SafetyReport]:
    """The reports this focal point may read (the policy decides), open ones first."""
    from app.policy import may

    candidates = (
        select(SafetyReport)
        .where(
            or_(
                SafetyReport.for_instance.is_(True),
                SafetyReport.consultation_id.in_(focal_point_consultation_ids(user)),
            )
        )
        .options(selectinload(SafetyReport.envelopes))
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


def _message_box(opened: OpenedReport, body: str, evidence: Evidence | None) -> dict:
    """Columns of a new message: sealed with the content key, or (old reports) as before."""
    if opened.content_key is None:
        return {"body": body}
    data = {"body": body}
    columns = {}
    if evidence is not None:
        data["evidence_name"] = evidence.name
        columns["evidence_file"] = _write_evidence(opened.content_key, evidence.data)
    return {"sealed_body": lock_json(opened.content_key, data), **columns}


def reply(user, opened: OpenedReport, body: str, now: datetime) -> None:
    report = opened.report
    report.messages.append(
        SafetyMessage(from_focal_point=True, created_at=now, **_message_box(opened, body, None))
    )
    report.updated_at = now
    record_event(user, "safety.replied", report, now=now)
    _tell_reporter(report, now)


def add_reporter_message(
    opened: OpenedReport, body: str, now: datetime, evidence: Evidence | None = None
) -> None:
    report = opened.report
    report.messages.append(
        SafetyMessage(
            from_focal_point=False, created_at=now, **_message_box(opened, body, evidence)
        )
    )
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


class CannotShare(Exception):
    pass


def share_report(user, opened: OpenedReport, recipient: User, now: datetime) -> None:
    """Seal an opened report to another of its focal points: an explicit, audited act."""
    report = opened.report
    if opened.content_key is None or recipient.id not in {u.id for u in waiting_readers(report)}:
        raise CannotShare
    key = key_of(recipient)
    assert key is not None  # waiting readers have a key
    report.envelopes.append(
        ReportEnvelope(
            user_id=recipient.id,
            sealed_key=seal(key.public_key, opened.content_key),
            shared_by_id=user.id,
            created_at=now,
        )
    )
    record_event(user, "safety.report_shared", report, now=now, user=recipient.id)
    notify(recipient, "safety.shared", now, url_for("safeguarding.read", report_id=report.id))


def drop_unreadable_envelopes(user_id: int) -> None:
    """After someone stops being a focal point: envelopes of reports they may no longer
    read are deleted (the policy decides, as for reading)."""
    from app.policy import may

    person = db.session.get(User, user_id)
    envelopes = db.session.scalars(select(ReportEnvelope).where(ReportEnvelope.user_id == user_id))
    stale = [e.id for e in envelopes if person is None or not _still_reads(person, e, may)]
    if stale:
        db.session.execute(delete(ReportEnvelope).where(ReportEnvelope.id.in_(stale)))


def _still_reads(person, envelope: ReportEnvelope, may) -> bool:
    report = db.session.get(SafetyReport, envelope.report_id)
    return report is not None and may(person, "safety.read", report)


# --- Instance focal points -------------------------------------------------------------------


def remove_instance_focal_point(admin, focal_point: InstanceFocalPoint, now: datetime) -> None:
    record_event(admin, "safety.focal_point_removed", None, now=now, user=focal_point.user_id)
    user_id = focal_point.user_id
    db.session.delete(focal_point)
    db.session.flush()
    forget_cached_roles()
    drop_unreadable_envelopes(user_id)


def forget_cached_roles() -> None:
    """Who the focal points are is read once per request; a change within it must show."""
    from flask import g, has_request_context

    if has_request_context():
        g.pop("_instance_focal_points", None)
        g.pop("_safety_roles", None)


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
