"""Passages of published public editions, for reading and search.

A row exists only for a paragraph of the public edition of a compilation that is published
and is its consultation's latest published version (app/reading/publishing.py). Confidential
texts, drafts and restricted editions never get a row, so no query can reach them.

Full-text search: on SQLite an FTS5 table with the trigram tokenizer mirrors `text`
(kept in step by triggers); on PostgreSQL a GIN trigram index (pg_trgm) serves ILIKE.
Both match substrings, so scripts written without spaces (Thai, Khmer, Burmese, Chinese)
are found like any other. Neither is a mapped table or index: they are made by the DDL
below, in the migration and in create_all alike.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, Text, event, func, literal, select
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model

FTS_TABLE = "published_passages_fts"
TRIGRAM_INDEX = "ix_published_passages_text_trigram"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "text, content='published_passages', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_insert AFTER INSERT ON "
    f"published_passages BEGIN INSERT INTO {FTS_TABLE}(rowid, text) "
    "VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_delete AFTER DELETE ON "
    f"published_passages BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS published_passages_fts_update AFTER UPDATE ON "
    f"published_passages BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS published_passages_fts_update",
    "DROP TRIGGER IF EXISTS published_passages_fts_delete",
    "DROP TRIGGER IF EXISTS published_passages_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
POSTGRES_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON published_passages "
    "USING gin (text gin_trgm_ops)",
)


def is_search_index(name: str | None) -> bool:
    """The FTS5 table (and its shadow tables) and the trigram index: made by DDL."""
    return name is not None and (name.startswith(FTS_TABLE) or name == TRIGRAM_INDEX)


def include_in_schema_comparison(name, _type, _parent_names) -> bool:
    """For Alembic (autogenerate, and the test that migrations build the models' schema):
    the search index is not a mapped table, so it is left out of the comparison."""
    return not is_search_index(name)


class PublishedPassage(Model):
    """One paragraph of a published public edition, as that edition prints it."""

    __tablename__ = "published_passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    compilation_id: Mapped[int] = mapped_column(
        ForeignKey("compilations.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    # How the edition cites it ("S-014 ¶3"), and its submission's reference ("S-014").
    reference: Mapped[str] = mapped_column(String(60))
    submission_ref: Mapped[str] = mapped_column(String(40))
    # The version of the compiled input it was published in, and the paragraph's number
    # in that whole document ("paragraph 212").
    version: Mapped[int]
    paragraph: Mapped[int]
    section: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text, default="")
    credit: Mapped[str] = mapped_column(Text)
    # The language of `text`. A checked translation is another row of the same reference,
    # with the original's language in `translated_from` (None for the text as written).
    language: Mapped[str] = mapped_column(String(8), index=True)
    translated_from: Mapped[str | None] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(index=True)

    objective_rows: Mapped[list[PassageObjective]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    place_rows: Mapped[list[PassagePlace]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    consultation = relationship("Consultation")
    compilation = relationship("Compilation")

    @property
    def objectives(self) -> list[int]:
        return sorted(row.number for row in self.objective_rows)

    @property
    def places(self) -> list[str]:
        return sorted(row.code for row in self.place_rows)

    @property
    def anchor(self) -> str:
        """The passage's id on its consultation's reading page."""
        return passage_anchor(self.reference, self.language, self.translated_from)


def passage_anchor(reference: str, language: str, translated_from: str | None) -> str:
    """A passage's id on its consultation's reading page ("p-S-014-3")."""
    anchor = "p-" + re.sub(r"[^0-9A-Za-z]+", "-", reference).strip("-")
    # A translation sits beside its original: its own id, with its language.
    return f"{anchor}-{language}" if translated_from else anchor


class PassageObjective(Model):
    __tablename__ = "published_passage_objectives"

    passage_id: Mapped[int] = mapped_column(
        ForeignKey("published_passages.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True, index=True)


class PassagePlace(Model):
    """A country (ISO code) or broad area (M49 code) as the passage's credit line tells it."""

    __tablename__ = "published_passage_places"

    passage_id: Mapped[int] = mapped_column(
        ForeignKey("published_passages.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)


def settle_search_index(session) -> None:
    """On PostgreSQL, move the trigram index's new entries out of its pending list (where a
    GIN index first puts what is inserted, until autovacuum): while entries wait there,
    the planner prices the index too high and reads every passage instead, and each
    search reads the pending entries one by one. Publication inserts thousands of passages
    at once, then calls this; searches need no planner setting."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.gin_clean_pending_list(literal(TRIGRAM_INDEX).cast(REGCLASS))))


def _create_search_index(target, connection, **_kw) -> None:
    statements = {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}
    for statement in statements.get(connection.dialect.name, ()):
        connection.execute(DDL(statement))


def _drop_search_index(target, connection, **_kw) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.execute(DDL(statement))


event.listen(PublishedPassage.__table__, "after_create", _create_search_index)
event.listen(PublishedPassage.__table__, "before_drop", _drop_search_index)
