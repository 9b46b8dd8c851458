"""Confidential reports of intimidation or reprisal, readable by focal points only."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_pgettext
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
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


class SafetyReport(db.Model):
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
    # Everything the reporter wrote and chose, as encrypted JSON: losing the database
    # alone reveals nothing of it.
    content: Mapped[str] = mapped_column(EncryptedText)
    # A hash of the private follow-up code given to the reporter once.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="received")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")
    messages = relationship(
        "SafetyMessage", order_by="SafetyMessage.id", cascade="all, delete-orphan"
    )


class InstanceFocalPoint(db.Model):
    """A focal point for general reports (those not tied to a consultation)."""

    __tablename__ = "instance_focal_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)

    user = relationship("User")


class SafetyMessage(db.Model):
    """A message between the reporter and the focal points about one report, encrypted."""

    __tablename__ = "safety_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("safety_reports.id", ondelete="CASCADE"), index=True
    )
    from_focal_point: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
