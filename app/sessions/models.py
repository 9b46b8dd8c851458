"""Facilitated sessions of a consultation: registration, a live board, a speaking queue."""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.security import EncryptedText
from app.timeutil import utcnow

FORMAT_LABELS = {
    "online": _l("Online"),
    "in-person": _l("In person"),
    "hybrid": _l("Online and in person"),
}

STATE_LABELS = {
    "upcoming": _l("Planned"),
    "live": _l("Live now"),
    "ended": _l("Ended"),
    "cancelled": _l("Cancelled"),
}


class ConsultationSession(Model):
    __tablename__ = "consultation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    # Translations of the title, {language: title}; the title is in the consultation's
    # original language.
    title_texts: Mapped[dict[str, str]] = mapped_column(
        JSON, default=dict, server_default=text("'{}'")
    )
    format: Mapped[str] = mapped_column(String(12), default="online")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    agenda: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None]
    # Shown only to registered participants, and encrypted at rest.
    meeting_link: Mapped[str | None] = mapped_column(EncryptedText)
    place: Mapped[str | None] = mapped_column(EncryptedText)
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None]
    # Raised on every change of the board or the queue: pollers compare it (ETag).
    board_version: Mapped[int] = mapped_column(default=1)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")

    def title_and_language(self, language: str | None = None) -> tuple[str, str]:
        """The title in the reader's language when translated, else the original, with the
        language it is written in."""
        wanted = language or str(get_locale())
        if (self.title_texts or {}).get(wanted):
            return self.title_texts[wanted], wanted
        return self.title, self.consultation.original_language

    def state(self, now: datetime) -> str:
        """upcoming, live, ended or cancelled."""
        if self.cancelled_at is not None:
            return "cancelled"
        if now < self.starts_at:
            return "upcoming"
        if now < self.ends_at:
            return "live"
        return "ended"


class SessionRegistration(Model):
    __tablename__ = "session_registrations"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminded: Mapped[str] = mapped_column(String(20), default="")  # "1d", "1h" once sent
    # The same, for reminders handed to an outbox that sends them (see DeadlineReminder).
    emailed: Mapped[str] = mapped_column(String(20), default="")

    user = relationship("User")
    organization = relationship("Organization")


class Contribution(Model):
    """A short point posted on the live board during a session."""

    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    objectives: Mapped[list[int]] = mapped_column(JSON, default=list)
    contribution_type: Mapped[str] = mapped_column(String(20), default="challenge")
    # Whether other participants see the organization's name (facilitators always do).
    show_organization: Mapped[bool] = mapped_column(Boolean, default=False)
    # pending (waiting for a facilitator), approved, hidden, merged (into another one)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("contributions.id", ondelete="SET NULL")
    )
    taken_into_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
    organization = relationship("Organization")


class SpeakingRequest(Model):
    """A raised hand in the speaking queue."""

    __tablename__ = "speaking_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # speaking, done, withdrawn
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    floor_at: Mapped[datetime | None]

    user = relationship("User")
