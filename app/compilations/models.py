"""Compilations: immutable, numbered sets of files built from accepted submissions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.timeutil import utcnow

EDITIONS = ("public", "restricted")
FORMATS = ("pdf", "docx", "json", "csv")
GROUPINGS = ("question", "objective", "cluster")


class Compilation(Model):
    """Only a finished build becomes a row: a failed or killed job leaves nothing visible."""

    __tablename__ = "compilations"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    grouping: Mapped[str] = mapped_column(String(12))
    language: Mapped[str] = mapped_column(String(8))
    # The job run that built it: a retried job finds its finished build and stops there.
    job_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    # What went in, to tell what changed since the previous version:
    # {"<submission id>": {"sections": {"<key>": revision id}, "credit": ..., ...}}
    contents: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    consultation = relationship("Consultation")
    files: Mapped[list[CompilationFile]] = relationship(
        back_populates="compilation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="CompilationFile.id",
    )

    def file(self, edition: str, fmt: str) -> CompilationFile | None:
        return next((f for f in self.files if f.edition == edition and f.format == fmt), None)


class CompilationFile(Model):
    __tablename__ = "compilation_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    compilation_id: Mapped[int] = mapped_column(
        ForeignKey("compilations.id", ondelete="CASCADE"), index=True
    )
    edition: Mapped[str] = mapped_column(String(12))
    format: Mapped[str] = mapped_column(String(8))
    # Relative to COMPILATION_DIR; never built from user input.
    path: Mapped[str] = mapped_column(String(300))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))

    compilation: Mapped[Compilation] = relationship(back_populates="files")


class DownloadRecord(Model):
    """Every download of a restricted file: when, and by which role (shown to the leads)."""

    __tablename__ = "compilation_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(
        ForeignKey("compilation_files.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(20))
    downloaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[CompilationFile] = relationship()
