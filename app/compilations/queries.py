"""Read-only questions about compilations, for pages of other areas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.compilations.models import Compilation
from app.extensions import db


def latest_published(consultation) -> Compilation | None:
    """The newest published version of a consultation, with its files."""
    return db.session.scalar(
        select(Compilation)
        .where(
            Compilation.consultation_id == consultation.id, Compilation.published_at.is_not(None)
        )
        .options(selectinload(Compilation.files))
        .order_by(Compilation.number.desc())
        .limit(1)
    )
