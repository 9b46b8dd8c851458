"""The one query module for published passages: filters, full-text search, highlighting.

Two backends behind `find_passages`: SQLite FTS5 with the trigram tokenizer (the embedded
default), and PostgreSQL ILIKE served by a pg_trgm GIN index. Both match substrings, so a
word in Thai, Khmer, Burmese or Chinese (written without spaces) is found inside a sentence.
A query is split on spaces into terms that must all occur. Terms shorter than three
characters have no trigram: they are matched with LIKE over the filtered rows.

Only `published_passages` is ever searched, and only for consultations that are public:
confidential texts, drafts and restricted editions are not in that table at all.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import lru_cache

from markupsafe import Markup, escape
from sqlalchemy import Select, and_, column, func, select, table
from sqlalchemy import text as sql
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation, Review
from app.extensions import db
from app.pagination import RowPage
from app.reading.models import FTS_TABLE, PassageObjective, PassagePlace, PublishedPassage

MAX_QUERY = 100
MAX_TERMS = 8
TRIGRAM = 3

_fts = table(FTS_TABLE, column("rowid"), column("text"))


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; every field is also a URL parameter of the search page."""

    q: str = ""
    consultation: str = ""  # slug
    objective: int | None = None
    place: str = ""  # ISO country or M49 area code
    language: str = ""
    level: str = ""  # review level
    submission: str = ""  # a submission's reference within its consultation ("S-014")

    def params(self) -> dict[str, str]:
        """The non-empty filters, as URL parameters."""
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}


def terms(q: str) -> list[str]:
    """The words of a query (a script without spaces gives one term per run of text)."""
    return [t for t in q[:MAX_QUERY].split() if t][:MAX_TERMS]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _with_text(query: Select, words: list[str]) -> Select:
    if not words:
        return query
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        long_terms = [t for t in words if len(t) >= TRIGRAM]
        if long_terms:
            match = " ".join(_fts_phrase(t) for t in long_terms)
            matched = select(_fts.c.rowid).where(_fts.c.text.op("MATCH")(match))
            query = query.where(PublishedPassage.id.in_(matched))
        # LIKE folds the case of ASCII letters only; for other text instr() finds the same
        # rows, faster.
        conditions = [
            PublishedPassage.text.like(f"%{_escape_like(t)}%", escape="\\")
            if t.isascii()
            else func.instr(PublishedPassage.text, t) > 0
            for t in words
            if len(t) < TRIGRAM
        ]
    else:
        conditions = [
            PublishedPassage.text.ilike(f"%{_escape_like(t)}%", escape="\\") for t in words
        ]
        if any(len(t) >= TRIGRAM for t in words):
            # Matched first, apart (a materialized CTE), so that the trigram index finds
            # them rather than a walk through every passage in date order.
            matches = (
                select(PublishedPassage.id)
                .where(and_(*conditions))
                .cte("matched")
                .prefix_with("MATERIALIZED")
            )
            return query.where(PublishedPassage.id.in_(select(matches.c.id)))
    return query.where(and_(*conditions)) if conditions else query


def _filtered(filters: Filters) -> Select:
    """Passages of public consultations, with the filters applied (no ordering)."""
    query = (
        select(PublishedPassage)
        .join(Consultation, Consultation.id == PublishedPassage.consultation_id)
        .where(Consultation.published.is_(True))
    )
    if filters.consultation:
        query = query.where(Consultation.slug == filters.consultation)
    if filters.level:
        query = query.join(Review, Review.id == Consultation.review_id).where(
            Review.level == filters.level
        )
    if filters.objective is not None:
        query = query.where(
            PublishedPassage.id.in_(
                select(PassageObjective.passage_id).where(
                    PassageObjective.number == filters.objective
                )
            )
        )
    if filters.place:
        query = query.where(
            PublishedPassage.id.in_(
                select(PassagePlace.passage_id).where(PassagePlace.code == filters.place)
            )
        )
    if filters.language:
        query = query.where(PublishedPassage.language == filters.language)
    if filters.submission:
        query = query.where(PublishedPassage.submission_ref == filters.submission)
    return _with_text(query, terms(filters.q))


@contextmanager
def _trigram_index_first(filters: Filters):
    """PostgreSQL's planner prices ILIKE too low and reads every row rather than the
    trigram index (ten times slower on 10,000 passages): while words of three characters
    or more are searched, it is told to avoid a sequential scan where it has another way."""
    words = [t for t in terms(filters.q) if len(t) >= TRIGRAM]
    if not words or db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(sql("SET LOCAL enable_seqscan = off"))
    try:
        yield
    finally:
        db.session.execute(sql("SET LOCAL enable_seqscan = on"))


def find_passages(filters: Filters, page: int, per_page: int = 20) -> RowPage:
    """One page of matching passages, newest publication first, then in document order.

    First the page's ids with the total (a window count: the text is matched once, and
    only ids are sorted), then those passages with their consultation, objectives and
    places (a fixed number of queries whatever the page shows)."""
    page = max(page, 1)
    order = (
        PublishedPassage.published_at.desc(),
        PublishedPassage.consultation_id,
        PublishedPassage.paragraph,
        PublishedPassage.id,
    )
    ids_query = (
        _filtered(filters)
        .with_only_columns(PublishedPassage.id, func.count().over().label("total"))
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    with _trigram_index_first(filters):
        found = db.session.execute(ids_query).all()
        if not found:  # past the last page, or nothing matches
            counted = select(func.count()).select_from(_filtered(filters).subquery())
            return RowPage([], page, per_page, db.session.scalar(counted) or 0)
    ids = [row.id for row in found]
    passages = db.session.scalars(
        select(PublishedPassage)
        .where(PublishedPassage.id.in_(ids))
        .options(
            selectinload(PublishedPassage.consultation).joinedload(Consultation.review),
            selectinload(PublishedPassage.objective_rows),
            selectinload(PublishedPassage.place_rows),
        )
    ).unique()
    by_id = {passage.id: passage for passage in passages}
    return RowPage([by_id[i] for i in ids], page, per_page, found[0].total)


@lru_cache(maxsize=256)
def _pattern(q: str) -> re.Pattern | None:
    words = sorted(set(terms(q)), key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, q: str) -> Markup:
    """The text with each query term marked; everything else escaped (texts are data)."""
    pattern = _pattern(q)
    if pattern is None:
        return escape(text)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % text[match.start() : match.end()])
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
