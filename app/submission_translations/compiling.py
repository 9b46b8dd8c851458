"""Translations in a compilation: the hook that the compilation's builder calls.

`translation_plan` picks, for a compilation into one language, the translation of each
accepted submission into that language that may go in: checked ones, and unchecked ones
only when the facilitator allows it (they are then marked "not checked"). `apply_translations`
puts their texts into the built content of one edition, keeping every paragraph's number
and reference, and the original after each translated paragraph. See
docs/compilation-schema.md, "Translations".
"""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.compilations.content import paragraphs
from app.extensions import db
from app.i18n import gettext, text_direction
from app.reference import language_name_in_reader_language
from app.submission_translations.models import TranslatedSection, Translation
from app.submission_translations.services import translation_mark, translator_credit
from app.submissions.models import Submission
from app.submissions.states import SubmissionState

# What a compilation does with translations into its language.
MODES = ("checked", "unchecked", "none")


def translated_languages(consultation) -> set[str]:
    """Languages that accepted submissions of this consultation are translated into."""
    query = (
        select(Translation.language)
        .join(Submission, Submission.id == Translation.submission_id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.state == SubmissionState.ACCEPTED,
        )
        .distinct()
    )
    return set(db.session.scalars(query))


def translation_plan(consultation, language: str, mode: str) -> dict:
    """{submission id: Translation} for the translations that may enter this compilation."""
    if mode == "none":
        return {}
    query = (
        select(Translation)
        .join(Submission, Submission.id == Translation.submission_id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.state == SubmissionState.ACCEPTED,
            Translation.language == language,
        )
        .options(
            selectinload(Translation.sections).options(
                joinedload(TranslatedSection.current_revision),
                joinedload(TranslatedSection.section),
            ),
            joinedload(Translation.organization),
            joinedload(Translation.created_by),
        )
    )
    found = db.session.scalars(query).unique()
    return {t.submission_id: t for t in found if t.checked or mode == "unchecked"}


def apply_translations(content: dict, plan: dict, mode: str) -> dict:
    """Put the planned translations into one edition's content (changed in place, returned).

    A translated section replaces the text of its paragraphs only when it has exactly as
    many paragraphs as the original (else the original stays): numbers and references are
    those of the original, which follows each translated paragraph.
    """
    language = content["language"]
    block = {"language": language if mode != "none" else None, "unchecked_included": False}
    texts: list[dict] = []
    translated: dict[tuple[str, str], dict] = {}
    with force_locale(language):
        for entry in content["submissions"]:
            translation = plan.get(entry["id"])
            if translation is None or entry["language"] == language:
                continue
            by_key = {s.section.key: s.text for s in translation.sections}
            info = _info(translation, entry["language"])
            for section in entry["sections"]:
                text = by_key.get(section["key"], "")
                parts = paragraphs(text)
                if not parts or len(parts) != len(section["paragraphs"]):
                    continue
                section["original"] = {
                    "language": entry["language"],
                    "paragraphs": section["paragraphs"],
                }
                section["paragraphs"], section["translation"] = parts, info
                translated[(entry["ref"], section["key"])] = {"info": info, "parts": parts}
                texts.append({"ref": entry["ref"], "section": section["key"], **info})
                block["unchecked_included"] |= info["status"] != "checked"
        for group in content["groups"]:
            for item in group["items"]:
                found = translated.get((item["ref"], item["section"]))
                if found is not None:
                    _translate_item(item, found["info"], found["parts"], language)
    block["texts"] = texts
    content["translations"] = block
    return content


def _info(translation: Translation, original_language: str) -> dict:
    return {
        "language": translation.language,
        "status": translation.status,
        "credit": translator_credit(translation),
        "mark": translation_mark(translation),
        "original_language": original_language,
        "original_direction": text_direction(original_language),
        "original_label": gettext(
            "Original, in %(language)s",
            language=language_name_in_reader_language(original_language),
        ),
    }


def _translate_item(item: dict, info: dict, parts: list[str], language: str) -> None:
    item["paragraphs"] = [
        {**paragraph, "text": text, "original": paragraph["text"]}
        for paragraph, text in zip(item["paragraphs"], parts, strict=True)
    ]
    item["translation"] = info
    item["language"] = language
    item["direction"] = text_direction(language)
