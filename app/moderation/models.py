"""Flags: someone's report that a comment or a board contribution breaks the code of conduct."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.timeutil import utcnow

FLAG_REASONS = {
    "abuse": _l("Insulting, hateful or threatening"),
    "exposure": _l("Puts someone at risk by naming or describing them"),
    "spam": _l("Spam or advertising"),
    "off-topic": _l("Not about this consultation"),
    "other": _l("Something else"),
}


class Flag(Model):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    target_type: Mapped[str] = mapped_column(String(20))  # "comment" or "contribution"
    target_id: Mapped[int] = mapped_column(index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a facilitator hid the text or dismissed the flag.
    resolved_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(12))  # "hidden" or "dismissed"

    reporter = relationship("User")
