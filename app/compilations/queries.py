"""Read-only questions about compilations, for pages of other areas."""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.compilations.models import Compilation
from app.extensions import db


@cache
def _latest_published():
    """Built once: the consultation page runs it on every view."""
    return (
        select(Compilation)
        .where(
            Compilation.consultation_id == bindparam("consultation_id"),
            Compilation.published_at.is_not(None),
        )
        .options(joinedload(Compilation.files))
        .order_by(Compilation.number.desc())
        .limit(1)
    )


def latest_published(consultation) -> Compilation | None:
    """The newest published version of a consultation, with its files (one statement: the
    ORM limits the versions in a subquery, then joins their files)."""
    values = {"consultation_id": consultation.id}
    return db.session.scalars(_latest_published(), values).unique().first()
