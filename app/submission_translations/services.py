"""Adding, writing, checking translations; inviting translators; credit lines.

Services flush, never commit; the routes commit.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record_event
from app.compilations.content import paragraphs
from app.extensions import db
from app.i18n import gettext
from app.notifications.services import notify_all
from app.submission_translations.models import (
    CHECKED,
    UNCHECKED,
    ConsultationTranslator,
    TranslatedSection,
    Translation,
    TranslationRevision,
)


class AlreadyTranslated(Exception):
    def __init__(self, translation: Translation):
        super().__init__("a translation into this language exists")
        self.translation = translation


class SameLanguage(Exception):
    """A translation into the language the submission is written in."""


class ParagraphsDiffer(Exception):
    """A translated section must keep one paragraph for each paragraph of the original, so
    that a paragraph reference means the same text in every language."""

    def __init__(self, expected: int, found: int):
        super().__init__(f"{found} paragraphs for {expected}")
        self.expected, self.found = expected, found


class StaleVersion(Exception):
    """Someone saved the section since this text was opened."""


class Incomplete(Exception):
    """Some section with text in the original has no translation yet."""


class AlreadyTranslator(Exception):
    pass


# --- Translations ---------------------------------------------------------------------------


def existing_translation(submission, language: str) -> Translation | None:
    return db.session.scalar(
        select(Translation).where(
            Translation.submission_id == submission.id, Translation.language == language
        )
    )


def add_translation(
    user, submission, language: str, credit_kind: str, organization, show_name: bool, now
) -> Translation:
    if language == submission.language:
        raise SameLanguage
    found = existing_translation(submission, language)
    if found is not None:
        raise AlreadyTranslated(found)
    # The authors of a text credited without their names are never named by its translation.
    if credit_kind == "authors" and submission.effective_attribution() != "named":
        show_name = False
    translation = Translation(
        submission_id=submission.id,
        language=language,
        created_by_id=user.id,
        credit_kind=credit_kind,
        organization_id=organization.id if organization is not None else None,
        show_name=show_name,
        status=UNCHECKED,
        created_at=now,
        updated_at=now,
    )
    db.session.add(translation)
    db.session.flush()
    record_event(user, "translation.added", translation, now=now, language=language)
    _tell_the_lead(submission, translation, now)
    return translation


def _tell_the_lead(submission, translation: Translation, now) -> None:
    """The lead organization's owners and editors hear of it: no text, no translator."""
    from flask import url_for

    people = [
        m.user for m in submission.lead_organization.memberships if m.role in {"owner", "editor"}
    ]
    notify_all(
        people,
        "translation.added",
        now,
        url_for("translations.view", translation_id=translation.id),
        language=translation.language,
        consultation=submission.consultation.title,
    )


def original_paragraphs(section) -> list[str]:
    return paragraphs(section.text)


def save_section(
    user, translation: Translation, section, body: str, base_version: int | None, now
) -> TranslatedSection:
    """Save a new revision of one translated section. A checked translation whose text
    changes is not checked any more."""
    expected, found = len(original_paragraphs(section)), len(paragraphs(body))
    if expected != found:
        raise ParagraphsDiffer(expected, found)
    translated = translation.section_for(section.id)
    if translated is None:
        translated = TranslatedSection(section_id=section.id, version=0, updated_at=now)
        translation.sections.append(translated)
        db.session.flush()
    elif base_version is not None and base_version != translated.version:
        raise StaleVersion
    if translated.current_revision is not None and translated.current_revision.body == body:
        return translated
    revision = TranslationRevision(
        translated_section_id=translated.id,
        author_id=user.id,
        source_revision_id=section.current_revision_id,
        body=body,
        created_at=now,
    )
    db.session.add(revision)
    db.session.flush()
    translated.current_revision = revision
    translated.version += 1
    translated.updated_at = translation.updated_at = now
    if translation.status != UNCHECKED:
        translation.status, translation.checked_by_id, translation.checked_at = (
            UNCHECKED,
            None,
            None,
        )
        _refresh_reading(translation)  # no longer checked: off the reading pages and search
    record_event(user, "translation.saved", translation, now=now, section=section.key)
    return translated


def missing_sections(translation: Translation) -> list:
    """Sections with text in the original that have no translated text yet."""
    return [
        section
        for section in translation.submission.ordered_sections()
        if section.text.strip()
        and not ((found := translation.section_for(section.id)) is not None and found.text.strip())
    ]


def check_translation(user, translation: Translation, now) -> None:
    if missing_sections(translation):
        raise Incomplete
    translation.status, translation.checked_by_id, translation.checked_at = CHECKED, user.id, now
    _refresh_reading(translation)  # readable and searchable beside the published original
    record_event(user, "translation.checked", translation, now=now)


def _refresh_reading(translation: Translation) -> None:
    """The published passages follow what is checked (app/reading/publishing.py)."""
    from app.reading.publishing import refresh_published_passages

    db.session.flush()
    refresh_published_passages(translation.submission.consultation_id)


def revisions(translated: TranslatedSection) -> list[TranslationRevision]:
    return list(
        db.session.scalars(
            select(TranslationRevision)
            .where(TranslationRevision.translated_section_id == translated.id)
            .order_by(TranslationRevision.id.desc())
        )
    )


def translations_of(submission) -> list[Translation]:
    return list(
        db.session.scalars(
            select(Translation)
            .where(Translation.submission_id == submission.id)
            .options(joinedload(Translation.organization), joinedload(Translation.created_by))
            .order_by(Translation.language)
        )
    )


def translations_of_all(submissions) -> dict[int, list[Translation]]:
    """The translations of many submissions, in one query."""
    found: dict[int, list[Translation]] = {}
    query = (
        select(Translation)
        .where(Translation.submission_id.in_([s.id for s in submissions]))
        .order_by(Translation.language)
    )
    for translation in db.session.scalars(query):
        found.setdefault(translation.submission_id, []).append(translation)
    return found


# --- Credit lines ---------------------------------------------------------------------------


def translator_credit(translation: Translation) -> str:
    """Who translated: their organization, "a volunteer", or "the authors"; the person's
    name only when they chose to show it."""
    person = translation.created_by.display_name if translation.created_by else None
    named = translation.show_name and person
    if translation.credit_kind == "organization" and translation.organization is not None:
        org = translation.organization.name
        return gettext("%(name)s, %(org)s", name=person, org=org) if named else org
    if translation.credit_kind == "authors":
        return gettext("the authors")
    if named:
        return gettext("%(name)s, a volunteer", name=person)
    return gettext("a volunteer")


def translation_mark(translation: Translation) -> str:
    """The mark printed with every translated text, on pages and in compilations."""
    credit = translator_credit(translation)
    if translation.checked:
        return gettext("Translation by %(credit)s, checked", credit=credit)
    return gettext("Translation by %(credit)s, not checked", credit=credit)


# --- Translators ----------------------------------------------------------------------------


def invite_translator(by, consultation, person, now) -> ConsultationTranslator:
    found = db.session.scalar(
        select(ConsultationTranslator).where(
            ConsultationTranslator.consultation_id == consultation.id,
            ConsultationTranslator.user_id == person.id,
        )
    )
    if found is not None:
        raise AlreadyTranslator
    row = ConsultationTranslator(
        consultation_id=consultation.id, user_id=person.id, invited_by_id=by.id, created_at=now
    )
    db.session.add(row)
    db.session.flush()
    record_event(by, "translator.invited", consultation, now=now, user=person.id)
    from flask import url_for

    notify_all(
        [person],
        "translation.translator",
        now,
        url_for("translations.for_consultation", slug=consultation.slug),
        consultation=consultation.title,
    )
    return row


def remove_translator(by, consultation, row: ConsultationTranslator, now) -> None:
    db.session.delete(row)
    record_event(by, "translator.removed", consultation, now=now, user=row.user_id)


def translators_of(consultation) -> list[ConsultationTranslator]:
    return list(
        db.session.scalars(
            select(ConsultationTranslator)
            .where(ConsultationTranslator.consultation_id == consultation.id)
            .options(selectinload(ConsultationTranslator.user))
            .order_by(ConsultationTranslator.id)
        )
    )
