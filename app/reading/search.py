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
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from itertools import cycle

from markupsafe import Markup, escape
from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    String,
    Subquery,
    bindparam,
    cast,
    column,
    func,
    or_,
    select,
    table,
)
from sqlalchemy.orm import joinedload, load_only

from app.consultations.models import Consultation, Review
from app.extensions import db
from app.pagination import RowPage
from app.reading.models import (
    FTS_TABLE,
    PassageObjective,
    PassagePlace,
    PublishedPassage,
    passage_anchor,
)

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


FILTERS = ("consultation", "objective", "place", "language", "level", "submission")


def find_passages(filters: Filters, page: int, per_page: int = 20) -> RowPage:
    """One page of matching passages, newest publication first, then in document order.

    One statement: the matches are counted (a window count: the text is matched once, and
    only ids and sort keys are sorted), and the page's passages come with their objectives
    and consultations (with their reviews); past the last page one more counts the
    matches. The statements are built once per shape of search (which filters, which kinds
    of words) and take the values as parameters."""
    page = max(page, 1)
    dialect = db.session.get_bind().dialect.name
    words = terms(filters.q)
    kinds = tuple(_kind(word, dialect) for word in words)
    present = tuple(name for name in FILTERS if getattr(filters, name) not in ("", None))
    listed, counted = _statements(dialect, kinds, present)
    values = {
        **_word_values(words, kinds),
        **{name: getattr(filters, name) for name in present},
        "limit": per_page,
        "offset": (page - 1) * per_page,
    }
    rows = db.session.execute(listed, values).all()
    if not rows:  # past the last page, or nothing matches
        return RowPage([], page, per_page, db.session.scalar(counted, values) or 0)
    return RowPage([_found(row) for row in rows], page, per_page, rows[0][0])


def _kind(word: str, dialect: str) -> str:
    """How a word is matched: "trigram" through the index; a shorter one by reading the
    filtered rows, as a substring: "exact" when the word has no letter case (Chinese, Thai,
    digits) or SQLite would not fold it anyway (LIKE folds ASCII letters only), "like" for
    ASCII on SQLite, "folded" (both lower-cased) otherwise."""
    if len(word) >= TRIGRAM:
        return "trigram"
    if dialect == "sqlite":
        return "like" if word.isascii() else "exact"
    return "exact" if word.lower() == word == word.upper() else "folded"


def _word_values(words: list[str], kinds: tuple[str, ...]) -> dict[str, str]:
    values = {
        f"word{i}": word if kind == "exact" else f"%{_escape_like(word)}%"
        for i, (word, kind) in enumerate(zip(words, kinds, strict=True))
    }
    values |= {f"lower{i}": f"%{_escape_like(word.lower())}%" for i, word in enumerate(words)}
    trigrams = [word for word, kind in zip(words, kinds, strict=True) if kind == "trigram"]
    values["match"] = " ".join(_fts_phrase(word) for word in trigrams)
    return values


@lru_cache(maxsize=128)
def _statements(dialect: str, kinds: tuple[str, ...], present: tuple[str, ...]):
    """The page's statement and the count's, for one shape of search."""
    matching = _matching(dialect, kinds, present).subquery("matching")
    shown = (
        select(matching.c.id, func.count().over().label("total"))
        .order_by(*_order(matching.c))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("shown")
    )
    objectives = (
        select(func.aggregate_strings(cast(PassageObjective.number, String), ","))
        .where(PassageObjective.passage_id == PublishedPassage.id)
        .scalar_subquery()
    )
    listed = (
        select(shown.c.total, objectives.label("objectives"), Consultation, *SHOWN_COLUMNS)
        .join_from(shown, PublishedPassage, PublishedPassage.id == shown.c.id)
        .join(Consultation, Consultation.id == PublishedPassage.consultation_id)
        .options(
            load_only(Consultation.slug, Consultation.texts, Consultation.original_language),
            joinedload(Consultation.review),
        )
        .order_by(*_order(PublishedPassage))
    )
    return listed, select(func.count()).select_from(matching)


def _matching(dialect: str, kinds: tuple[str, ...], present: tuple[str, ...]) -> Select:
    """Ids and sort keys of the matching passages of public consultations (no ordering).

    The text is matched first, apart: on PostgreSQL in a materialized CTE, so that the
    trigram index finds the matches rather than a walk through every passage in date
    order; the passage's sort keys come out of the same read, so no match is read twice."""
    passages = select(
        PublishedPassage.id,
        PublishedPassage.published_at,
        PublishedPassage.consultation_id,
        PublishedPassage.paragraph,
        PublishedPassage.language,
        PublishedPassage.submission_ref,
    ).where(*_text_conditions(dialect, kinds))
    matched: Subquery | CTE
    if dialect == "postgresql" and "trigram" in kinds:
        matched = passages.cte("matched").prefix_with("MATERIALIZED")
    else:
        matched = passages.subquery("matched")
    query = (
        select(matched)
        .join(Consultation, Consultation.id == matched.c.consultation_id)
        .where(Consultation.published.is_(True))
    )
    if "consultation" in present:
        query = query.where(Consultation.slug == bindparam("consultation"))
    if "level" in present:
        query = query.join(Review, Review.id == Consultation.review_id).where(
            Review.level == bindparam("level")
        )
    if "objective" in present:
        tagged = select(PassageObjective.passage_id).where(
            PassageObjective.number == bindparam("objective")
        )
        query = query.where(matched.c.id.in_(tagged))
    if "place" in present:
        placed = select(PassagePlace.passage_id).where(PassagePlace.code == bindparam("place"))
        query = query.where(matched.c.id.in_(placed))
    if "language" in present:
        query = query.where(matched.c.language == bindparam("language"))
    if "submission" in present:
        query = query.where(matched.c.submission_ref == bindparam("submission"))
    return query


def _text_conditions(dialect: str, kinds: tuple[str, ...]) -> list:
    """What a passage's text must hold: every word of the query (values `word0`...)."""
    text = PublishedPassage.text
    words = [bindparam(f"word{i}", type_=String) for i in range(len(kinds))]
    conditions: list[ColumnElement[bool]] = []
    if dialect == "sqlite" and "trigram" in kinds:
        fts = select(_fts.c.rowid).where(_fts.c.text.op("MATCH")(bindparam("match")))
        conditions.append(PublishedPassage.id.in_(fts))
    for i, (word, kind) in enumerate(zip(words, kinds, strict=True)):
        if kind == "trigram" and dialect != "sqlite":
            conditions.append(_trigram_match(text, word, bindparam(f"lower{i}", type_=String)))
        elif kind == "like":
            conditions.append(text.like(word, escape="\\"))
        elif kind == "exact":
            position = func.instr if dialect == "sqlite" else func.strpos
            conditions.append(position(text, word) > 0)
        elif kind == "folded":
            # What ILIKE does, written so that the planner is not offered the trigram
            # index, which a word this short cannot use.
            conditions.append(func.lower(text).like(func.lower(word), escape="\\"))
    return conditions


def _trigram_match(text, word, lower):
    """A word of three characters or more, found through the trigram index (PostgreSQL).

    The word goes in as a sub-select, out of the planner's sight: estimating how many
    rows ILIKE matches (it tries the pattern on the column's statistics) took longer than
    the search. ILIKE lower-cases the whole text of every row the index proposes; a
    case-exact LIKE of the word in lower case finds most of them at a fraction of that
    cost, and ILIKE runs only on the others. (Backslash is PostgreSQL's escape character
    for LIKE already: naming it would add a call per row.)"""
    return or_(
        text.like(select(lower).scalar_subquery()),
        text.ilike(select(word).scalar_subquery()),
    )


@dataclass(frozen=True, slots=True)
class FoundPassage:
    """A passage as the reading pages show it (only the columns they show)."""

    id: int
    consultation: Consultation
    reference: str
    submission_ref: str
    version: int
    question: str
    credit: str
    language: str
    translated_from: str | None
    direction: str
    text: str
    published_at: datetime
    objectives: list[int]

    @property
    def anchor(self) -> str:
        return passage_anchor(self.reference, self.language, self.translated_from)


SHOWN_COLUMNS = (
    PublishedPassage.id,
    PublishedPassage.reference,
    PublishedPassage.submission_ref,
    PublishedPassage.version,
    PublishedPassage.question,
    PublishedPassage.credit,
    PublishedPassage.language,
    PublishedPassage.translated_from,
    PublishedPassage.direction,
    PublishedPassage.text,
    PublishedPassage.published_at,
)


def _order(columns) -> tuple:
    return (columns.published_at.desc(), columns.consultation_id, columns.paragraph, columns.id)


def _found(row) -> FoundPassage:
    """A row of the page's statement: the total, the objectives, the consultation, then
    SHOWN_COLUMNS in order (unpacked by position: a row's attribute by name costs a caught
    exception, and a page has 20 rows of 14 values)."""
    (_total, objectives, consultation, passage_id, reference, submission_ref, version) = row[:7]
    (question, credit, language, translated_from, direction, text, published_at) = row[7:]
    return FoundPassage(
        id=passage_id,
        consultation=consultation,
        reference=reference,
        submission_ref=submission_ref,
        version=version,
        question=question,
        credit=credit,
        language=language,
        translated_from=translated_from,
        direction=direction,
        text=text,
        published_at=published_at,
        objectives=sorted(int(n) for n in objectives.split(",")) if objectives else [],
    )


@lru_cache(maxsize=256)
def _pattern(q: str) -> re.Pattern | None:
    words = sorted(set(terms(q)), key=len, reverse=True)
    if not words:
        return None
    return re.compile("(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


def highlight(text: str, q: str) -> Markup:
    """The text with each query term marked; everything else escaped (texts are data)."""
    pattern = _pattern(q)
    if pattern is None:
        return escape(text)
    # split() with the pattern's one group gives text, match, text, match, ..., text.
    pieces = pattern.split(text)
    return Markup(
        "".join(
            f"<mark>{escape(piece)}</mark>" if odd else escape(piece)
            for odd, piece in zip(cycle((False, True)), pieces)
        )
    )
