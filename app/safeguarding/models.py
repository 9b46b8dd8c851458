"""Confidential reports of intimidation or reprisal, readable by focal points only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_pgettext
from app.security import EncryptedText
from app.timeutil import utcnow

# With a context: "Closed" and "Received" are said differently of a report than of a
# consultation in some languages (gender in Arabic; "Diterima" is "Accepted" in Indonesian).
STATUS_LABELS = {
    "received": lazy_pgettext("safety report status", "Received"),
    "in-review": lazy_pgettext("safety report status", "A focal point is looking at it"),
    "acting": lazy_pgettext("safety report status", "Action taken, with your consent"),
    "closed": lazy_pgettext("safety report status", "Closed"),
}


class SafetyReport(Model):
    __tablename__ = "safety_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a general report: the instance's focal points read it.
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True
    )
    # Fixed when the report is made: the instance's focal points read general reports, and
    # reports about a consultation that had no focal point of its own.
    for_instance: Mapped[bool] = mapped_column(default=False)
    # Set only when the reporter chose not to be anonymous.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Everything the reporter wrote and chose, as JSON locked with the report's content key,
    # which exists only in envelopes sealed to the focal points and to the reporter's code.
    sealed_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Reports made before sealing: encrypted with the instance's key, until they are sealed
    # to their focal points (then emptied). Never written for a new report.
    content: Mapped[str | None] = mapped_column(EncryptedText)
    # Argon2id cost and salt that turn the reporter's code into their key pair.
    reporter_kdf: Mapped[str | None] = mapped_column(String(120))
    reporter_public_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The content key sealed to the reporter's code-derived key.
    reporter_envelope: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The name of the encrypted evidence file under UPLOAD_DIR/safety, if any.
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    # A hash of the private follow-up code given to the reporter once.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="received")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")
    messages = relationship(
        "SafetyMessage", order_by="SafetyMessage.id", cascade="all, delete-orphan"
    )
    envelopes = relationship("ReportEnvelope", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def is_sealed(self) -> bool:
        return self.sealed_content is not None

    def envelope_for(self, user_id: int) -> ReportEnvelope | None:
        return next((e for e in self.envelopes if e.user_id == user_id), None)


class InstanceFocalPoint(Model):
    """A focal point for general reports (those not tied to a consultation)."""

    __tablename__ = "instance_focal_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    user = relationship("User")


class SafetyMessage(Model):
    """A message between the reporter and the focal points about one report, encrypted."""

    __tablename__ = "safety_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("safety_reports.id", ondelete="CASCADE"), index=True
    )
    from_focal_point: Mapped[bool] = mapped_column(default=False)
    # JSON (text, evidence name and kind) locked with the report's content key.
    sealed_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Messages of reports made before sealing, until the report is sealed.
    body: Mapped[str | None] = mapped_column(EncryptedText)
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportEnvelope(Model):
    """A report's content key, sealed to one focal point's public key."""

    __tablename__ = "report_envelopes"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("safety_reports.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    # Who shared it, when it was not sealed at filing time (None: sealed when filed).
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FocalPointKey(Model):
    """A focal point's key pair. The private key is kept only wrapped: under a key derived
    from their password, and under one derived from their recovery key."""

    __tablename__ = "focal_point_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    password_kdf: Mapped[str] = mapped_column(String(120))
    by_password: Mapped[bytes] = mapped_column(LargeBinary)
    recovery_kdf: Mapped[str] = mapped_column(String(120))
    by_recovery_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once the person said they stored the recovery key; only then is the key used.
    confirmed_at: Mapped[datetime | None]
    # Set by a password reset: the copy under the password no longer opens.
    password_reset_at: Mapped[datetime | None]

    @property
    def usable(self) -> bool:
        return self.confirmed_at is not None


class FocalPointNomination(Model):
    """An admin proposed this person as a focal point; they have not accepted yet."""

    __tablename__ = "focal_point_nominations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # None: a focal point of the instance (general reports).
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Accepted, but the person's key is not enrolled yet: they become a focal point then.
    accepted_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id])
    consultation = relationship("Consultation")
