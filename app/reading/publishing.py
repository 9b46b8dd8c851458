"""What the public reads: the passages of each consultation's latest published public edition.

Filled from the public edition's JSON file exactly as the compiler wrote it (its SHA-256 is
checked), so a page or a search shows what the published file says and nothing else: the
restricted edition is never read here.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from app.compilations.models import Compilation
from app.database import rowcount
from app.extensions import db
from app.i18n import text_direction
from app.reading.models import (
    FTS_TABLE,
    PassageObjective,
    PassagePlace,
    PublishedPassage,
    settle_search_index,
)


class EditionChanged(Exception):
    """The public edition's file no longer has the SHA-256 recorded when it was built."""


def current_publication(consultation_id: int) -> Compilation | None:
    """The consultation's latest published version: the one the public reads."""
    return db.session.scalar(
        select(Compilation)
        .where(
            Compilation.consultation_id == consultation_id,
            Compilation.published_at.is_not(None),
        )
        .order_by(Compilation.number.desc())
        .limit(1)
    )


def refresh_published_passages(consultation_id: int) -> int:
    """Replace the consultation's passages with those of its latest published version (none
    when no version is published any more); returns how many there are now."""
    removed = rowcount(
        db.session.execute(
            delete(PublishedPassage).where(PublishedPassage.consultation_id == consultation_id)
        )
    )
    compilation = current_publication(consultation_id)
    passages = passages_of(compilation) if compilation else []
    db.session.add_all(passages)
    db.session.flush()
    settle_search_index(db.session)
    if removed:
        _forget_removed_texts()
    return len(passages)


def public_content(compilation: Compilation) -> dict:
    """The public edition as the compiler wrote it (app/compilations/content.py)."""
    from app.compilations.services import file_path

    found = compilation.file("public", "json")
    if found is None:
        return {"groups": [], "submissions": []}
    data = file_path(found).read_bytes()
    if hashlib.sha256(data).hexdigest() != found.sha256:
        raise EditionChanged(found.path)
    content = json.loads(data)
    if content.get("edition") != "public":
        raise EditionChanged(found.path)
    return content


def passages_of(compilation: Compilation) -> list[PublishedPassage]:
    content = public_content(compilation)
    offsets = _paragraph_offsets(content)
    translated = _checked_translations(content)
    passages = []
    for group in content["groups"]:
        for item in group["items"]:
            first = offsets.get((item["ref"], item["section"]), 0)
            for position, paragraph in enumerate(item["paragraphs"], 1):
                reference = paragraph.get("ref") or f"{item['ref']} ¶{first + position}"
                passages.append(_passage(compilation, item, paragraph, reference))
                for language, parts in translated.get((item["ref"], item["section"]), []):
                    if len(parts) == len(item["paragraphs"]):  # numbers must mean the same
                        passages.append(
                            _translated(
                                _passage(compilation, item, paragraph, reference),
                                language,
                                parts[position - 1],
                            )
                        )
    return passages


def _checked_translations(content: dict) -> dict[tuple[str, str], list[tuple[str, list]]]:
    """{(submission ref, section key): [(language, paragraphs)]} of the checked translations
    of the texts this public edition holds (and only those: a text left out of it, such as
    a confidential one, brings no translation either)."""
    from app.compilations.content import paragraphs
    from app.submission_translations.models import TranslatedSection, Translation

    refs = {entry["id"]: entry for entry in content["submissions"]}
    if not refs:
        return {}
    found: dict[tuple[str, str], list[tuple[str, list]]] = {}
    query = (
        select(Translation)
        .where(Translation.submission_id.in_(list(refs)))
        .options(
            selectinload(Translation.sections).options(
                joinedload(TranslatedSection.section),
                joinedload(TranslatedSection.current_revision),
            )
        )
        .order_by(Translation.language)
    )
    for translation in db.session.scalars(query).unique():
        entry = refs[translation.submission_id]
        if not translation.checked or translation.language == entry["language"]:
            continue
        for translated in translation.sections:
            key = (entry["ref"], translated.section.key)
            found.setdefault(key, []).append((translation.language, paragraphs(translated.text)))
    return found


def _translated(passage: PublishedPassage, language: str, text: str) -> PublishedPassage:
    passage.translated_from, passage.language, passage.text = passage.language, language, text
    passage.direction = text_direction(language)
    return passage


def _paragraph_offsets(content: dict) -> dict[tuple[str, str], int]:
    """How many paragraphs of its submission come before each section (¶ counts per
    submission, as the outcome of the review cites them)."""
    offsets = {}
    for entry in content["submissions"]:
        count = 0
        for section in entry["sections"]:
            offsets[(entry["ref"], section["key"])] = count
            count += len(section["paragraphs"])
    return offsets


def _passage(compilation: Compilation, item: dict, paragraph: dict, reference: str):
    return PublishedPassage(
        compilation_id=compilation.id,
        consultation_id=compilation.consultation_id,
        reference=reference[:60],
        submission_ref=item["ref"][:40],
        version=compilation.number,
        paragraph=paragraph["n"],
        section=item["section"][:20],
        question=item.get("question", ""),
        credit=item["credit"] or "",
        language=item["language"],
        direction=item.get("direction", "ltr"),
        text=paragraph["text"],
        published_at=compilation.published_at,
        objective_rows=[PassageObjective(number=n) for n in sorted(set(item["objectives"]))],
        place_rows=[PassagePlace(code=code) for code in sorted(set(item.get("places", [])))],
    )


def _forget_removed_texts() -> None:
    """A withdrawn text must not stay readable in the search index's old segments, nor in
    SQLite's write-ahead log (see app/database.py)."""
    from app.database import checkpoint_after_commit

    if db.session.get_bind().dialect.name == "sqlite":
        db.session.connection().exec_driver_sql(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"
        )
        checkpoint_after_commit()
