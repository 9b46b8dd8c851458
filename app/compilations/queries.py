"""Read-only questions about compilations, for pages of other areas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.compilations.models import Compilation
from app.extensions import db


def latest_published(consultation) -> Compilation | None:
    """The newest published version of a consultation, with its files (one statement: the
    ORM limits the versions in a subquery, then joins their files)."""
    query = (
        select(Compilation)
        .where(
            Compilation.consultation_id == consultation.id, Compilation.published_at.is_not(None)
        )
        .options(joinedload(Compilation.files))
        .order_by(Compilation.number.desc())
        .limit(1)
    )
    return db.session.scalars(query).unique().first()
