"""What has been published, for the reading index and the search form's choices."""

from __future__ import annotations

from sqlalchemy import func, select

from app.consultations.models import Consultation
from app.extensions import db
from app.reading.models import PassageObjective, PassagePlace, PublishedPassage
from app.reference import language_name_in_reader_language
from app.reference.regions import area_name


def _public():
    return (
        select(PublishedPassage.id)
        .join(Consultation, Consultation.id == PublishedPassage.consultation_id)
        .where(Consultation.published.is_(True))
    )


def published_consultations() -> list[tuple[Consultation, int]]:
    """Public consultations with passages, and how many, the latest published first."""
    counts = (
        select(PublishedPassage.consultation_id, func.count().label("n"))
        .group_by(PublishedPassage.consultation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Consultation, counts.c.n)
        .join(counts, counts.c.consultation_id == Consultation.id)
        .where(Consultation.published.is_(True))
        .order_by(Consultation.compiled_at.desc(), Consultation.id)
    ).all()
    return [(c, n) for c, n in rows]


def objective_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(PassageObjective.number, func.count())
        .where(PassageObjective.passage_id.in_(_public()))
        .group_by(PassageObjective.number)
    )
    return dict(rows.all())


def place_counts() -> list[tuple[str, str, int]]:
    """(code, name in the reader's language, passages), by name."""
    rows = db.session.execute(
        select(PassagePlace.code, func.count())
        .where(PassagePlace.passage_id.in_(_public()))
        .group_by(PassagePlace.code)
    )
    return sorted(((code, area_name(code), n) for code, n in rows), key=lambda r: r[1])


def language_counts() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        select(PublishedPassage.language, func.count())
        .where(PublishedPassage.id.in_(_public()))
        .group_by(PublishedPassage.language)
    )
    named = ((code, language_name_in_reader_language(code), n) for code, n in rows)
    return sorted(named, key=lambda r: r[1])


def search_choices() -> tuple[list, list, list]:
    """The choices of the search form: only what has been published."""
    consultations = [(c.slug, c.title) for c, _n in published_consultations()]
    places = [(code, name) for code, name, _n in place_counts()]
    languages = [(code, name) for code, name, _n in language_counts()]
    return consultations, places, languages
