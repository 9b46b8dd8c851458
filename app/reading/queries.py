"""What has been published, for the reading index and the search form's choices.

These lists change only when something is published or withdrawn, and they cost a few
scans of the passages: they are kept in the page cache (app/pagecache.py), which forgets
them at the next change that visitors could see (a publication, a consultation taken off
the site), and are the same for everyone who reads in the same language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache

from sqlalchemy import Executable, Select, bindparam, func, literal, select, union_all
from sqlalchemy.orm import joinedload, load_only

from app.consultations.models import Consultation
from app.extensions import db
from app.reading.models import PassageObjective, PassagePlace, PublishedPassage
from app.reference import language_name_in_reader_language
from app.reference.regions import area_name


def public_consultation(slug: str) -> Consultation:
    """A consultation on the public site, else 404: for everyone alike, staff included."""
    from flask import abort

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None or not consultation.published:
        abort(404)
    return consultation


def _public():
    return (
        select(PublishedPassage.id)
        .join(Consultation, Consultation.id == PublishedPassage.consultation_id)
        .where(Consultation.published.is_(True))
    )


def published_consultations() -> list[tuple[Consultation, int]]:
    """Public consultations with passages, and how many, the latest published first."""
    counts = dict(
        db.session.execute(
            select(PublishedPassage.consultation_id, func.count()).group_by(
                PublishedPassage.consultation_id
            )
        )
        .tuples()
        .all()
    )
    if not counts:
        return []
    found = db.session.scalars(
        select(Consultation)
        .where(Consultation.id.in_(counts), Consultation.published.is_(True))
        .options(joinedload(Consultation.review))  # the reading index shows it
        .order_by(Consultation.compiled_at.desc(), Consultation.id)
    )
    return [(c, counts[c.id]) for c in found]


def objective_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(PassageObjective.number, func.count())
        .where(PassageObjective.passage_id.in_(_public()))
        .group_by(PassageObjective.number)
    )
    return dict(rows.tuples().all())


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

    def choices() -> list:
        found = consultations_with_passages()
        consultations = [(c.slug, c.title) for c in found]
        codes = published_codes([c.id for c in found])
        places = sorted(((c, area_name(c)) for c in codes["place"]), key=lambda r: r[1])
        languages = sorted(
            ((c, language_name_in_reader_language(c)) for c in codes["language"]),
            key=lambda r: r[1],
        )
        return [consultations, places, languages]

    consultations, places, languages = kept("search-choices", choices)
    return consultations, places, languages


def consultations_with_passages() -> list[Consultation]:
    """Public consultations that have passages, the latest published first (their titles)."""
    return list(db.session.scalars(_statements()["consultations"]).all())


def published_codes(consultation_ids: list[int]) -> dict[str, list[str]]:
    """{"place": [...], "language": [...]}: the places and languages of the passages of
    these consultations, in one statement."""
    found: dict[str, list[str]] = {"place": [], "language": []}
    if consultation_ids:
        codes = db.session.execute(_statements()["codes"], {"ids": consultation_ids})
        for kind, value in codes:
            found[kind].append(value)
    return found


@cache
def _statements() -> dict[str, Executable]:
    """The statements of the search form's choices, built once."""
    has_passages = (
        select(PublishedPassage.id)
        .where(PublishedPassage.consultation_id == Consultation.id)
        .exists()
    )
    consultations = (
        select(Consultation)
        .where(Consultation.published.is_(True), has_passages)
        .options(load_only(Consultation.slug, Consultation.texts, Consultation.original_language))
        .order_by(Consultation.compiled_at.desc(), Consultation.id)
    )
    of_consultations = PublishedPassage.consultation_id.in_(bindparam("ids", expanding=True))
    languages = select(PublishedPassage.language).where(of_consultations)
    places = (
        select(PassagePlace.code)
        .join(PublishedPassage, PublishedPassage.id == PassagePlace.passage_id)
        .where(of_consultations)
    )
    codes = union_all(_distinct("language", languages), _distinct("place", places))
    return {"consultations": consultations, "codes": codes}


def _distinct(kind: str, values: Select) -> Select:
    """(kind, value) for each distinct value of the one column `values` selects, by a loose
    index scan (the next value after the last one found, through the index, until there is
    none): its cost follows the number of values, a few hundred at most, not of passages."""
    column = values.selected_columns[0]

    def following(after=None):
        query = values.order_by(column).limit(1)
        return (query if after is None else query.where(column > after)).scalar_subquery()

    found = select(following().label("value")).cte(f"{kind}_values", recursive=True)
    found = found.union_all(select(following(found.c.value)).where(found.c.value.is_not(None)))
    return select(literal(kind).label("kind"), found.c.value).where(found.c.value.is_not(None))


def facets() -> dict:
    """The lists of the reading index: consultations (slug, title, review, passages),
    objectives, places and languages with their passages."""

    def lists() -> dict:
        from app.consultations.template_helpers import review_label

        return {
            "consultations": [
                (c.slug, c.title, review_label(c.review), n) for c, n in published_consultations()
            ],
            "objectives": sorted(objective_counts().items()),
            "places": place_counts(),
            "languages": language_counts(),
        }

    return kept("reading-facets", lists)


def kept(name: str, compute: Callable[[], object]):
    """`compute()` (plain JSON data), kept in the page cache until visitors' pages change."""
    from app.pagecache import PUBLIC, page_cache

    cache = page_cache()
    if cache is None:
        return compute()
    blocks = cache.fetch(PUBLIC, ("reading", name), lambda: {"data": json.dumps(compute())})
    return json.loads(str(blocks["data"]))
