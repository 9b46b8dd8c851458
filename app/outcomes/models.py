"""Outcome documents of a review, and how each submission (or paragraph) was taken up."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.timeutil import utcnow

UPTAKE_STATUSES = ("reflected", "partly", "not-taken-up", "pending")
UPTAKE_LABELS = {
    "reflected": _l("Reflected in the outcome"),
    "partly": _l("Partly reflected"),
    "not-taken-up": _l("Not taken up"),
    "pending": _l("Pending"),
}


class OutcomeDocument(Model):
    """A report or outcome document of the review a consultation fed: a link or a file."""

    __tablename__ = "outcome_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    # The document symbol the convening body gives it (e.g. ESCAP/GCM/2027/3), if any.
    symbol: Mapped[str | None] = mapped_column(String(80))
    issued_on: Mapped[date]
    link: Mapped[str | None] = mapped_column(String(500))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")
    file = relationship("StoredFile")


class Uptake(Model):
    """How the review took up a submission as a whole (paragraph None) or one paragraph."""

    __tablename__ = "uptakes"
    __table_args__ = (UniqueConstraint("submission_id", "paragraph"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    # The paragraph's number within the submission (as cited: S-014 ¶3); None: all of it.
    paragraph: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Where the outcome reflects it, e.g. "paragraph 23" of the outcome document.
    outcome_reference: Mapped[str | None] = mapped_column(String(120))
    # Why it was not taken up (required then), or a short note.
    reason: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcome_documents.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission = relationship("Submission")
    document = relationship("OutcomeDocument")
