"""The record of each background job run: its state and progress, for any web process to show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.timeutil import utcnow


class JobRecord(Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # Only ids and plain settings (validated by the caller), never personal data.
    args: Mapped[list[Any]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    fraction: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(String(200))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it was last asked for (started or retried), and who took it: "rq", or
    # "process:<host>:<pid>" for the web process running it itself; None until handed over.
    queued_at: Mapped[datetime | None]
    runner: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def done(self) -> bool:
        return self.state in {"finished", "failed"}
