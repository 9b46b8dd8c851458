"""E-mail waiting to be sent: the outbox, with its content encrypted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.security import EncryptedText
from app.timeutil import utcnow


class OutboxMessage(Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The recipient's account when there is one (for their language); None for invitations.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    template: Mapped[str] = mapped_column(String(40))
    # The recipient address and the template's values, encrypted until the job sends them.
    payload: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How many times sending failed, and when the sweep should try (again). None: a message
    # the sweep leaves alone (a reset request waiting for its own job).
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    # Set after the last failed try: never tried again on its own.
    failed_at: Mapped[datetime | None] = mapped_column(index=True)
    # The kind of error and the server's answer, without addresses (shown to admins).
    last_error: Mapped[str | None] = mapped_column(String(200))
