"""The open data as plain dicts: public editions only, credit lines only, no person."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.compilations.models import Compilation
from app.consultations.models import Consultation
from app.extensions import db
from app.reading.models import PublishedPassage

SCHEMA = "gcm-open-data/1"


def absolute(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def original_title(consultation: Consultation) -> str:
    """The title as the consultation was written: the same whoever asks, in any language."""
    return consultation.text(consultation.original_language)[0].get("title", "")


def published_compilations(limit: int | None = None) -> list[Compilation]:
    """Published versions of public consultations, the latest published first."""
    query = (
        select(Compilation)
        .join(Consultation, Consultation.id == Compilation.consultation_id)
        .where(Compilation.published_at.is_not(None), Consultation.published.is_(True))
        .options(
            selectinload(Compilation.files),
            joinedload(Compilation.consultation).joinedload(Consultation.review),
        )
        .order_by(Compilation.published_at.desc(), Compilation.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def passage_counts(compilation_ids: list[int]) -> dict[int, int]:
    if not compilation_ids:
        return {}
    rows = db.session.execute(
        select(PublishedPassage.compilation_id, func.count())
        .where(PublishedPassage.compilation_id.in_(compilation_ids))
        .group_by(PublishedPassage.compilation_id)
    )
    return dict(rows.tuples().all())


def published_at(compilation: Compilation) -> str:
    """When a published version was published (ISO 8601)."""
    assert compilation.published_at is not None  # only published versions are served
    return compilation.published_at.isoformat()


def compilation_summary(compilation: Compilation, passages: int) -> dict:
    """A published version; `current` is the one the public reads (a later published
    version supersedes it, and then its passages are only in its files)."""
    consultation, review = compilation.consultation, compilation.consultation.review
    return {
        "id": compilation.id,
        "consultation": {
            "slug": consultation.slug,
            "title": original_title(consultation),
            "review": {
                "level": review.level,
                "area": review.area,
                "cycle": review.cycle,
                "convening_body": review.convening_body,
            },
        },
        "version": compilation.number,
        "language": compilation.language,
        "grouping": compilation.grouping,
        "published_at": published_at(compilation),
        "current": passages > 0,
        "passage_count": passages,
        "files": [
            {
                "format": f.format,
                "size": f.size,
                "sha256": f.sha256,
                "url": absolute(
                    "compilations.download", compilation_id=compilation.id, file_id=f.id
                ),
            }
            for f in compilation.files
            if f.edition == "public"
        ],
        "passages_url": absolute("api.compilation", compilation_id=compilation.id),
        "reading_url": absolute("reading.consultation", slug=consultation.slug),
    }


def passage_data(passage: PublishedPassage, slug: str) -> dict:
    return {
        "reference": passage.reference,
        "submission": passage.submission_ref,
        "version": passage.version,
        "paragraph": passage.paragraph,
        "section": passage.section,
        "question": passage.question,
        "objectives": passage.objectives,
        "places": passage.places,
        "credit": passage.credit,
        "language": passage.language,
        # For a checked translation: the language of the original (same reference); else None.
        "translated_from": passage.translated_from,
        "direction": passage.direction,
        "text": passage.text,
        "url": absolute("reading.consultation", slug=slug, submission=passage.submission_ref)
        + f"#{passage.anchor}",
    }


def passages_page(compilation: Compilation, page: int, per_page: int) -> list[PublishedPassage]:
    return list(
        db.session.scalars(
            select(PublishedPassage)
            .where(PublishedPassage.compilation_id == compilation.id)
            .options(
                selectinload(PublishedPassage.objective_rows),
                selectinload(PublishedPassage.place_rows),
            )
            .order_by(PublishedPassage.paragraph, PublishedPassage.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
