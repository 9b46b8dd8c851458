"""The person's translations in their personal data export. Nothing about who wrote the
originals: a translator may not know it."""

from __future__ import annotations

from sqlalchemy import func, select

from app.account.services import export_section
from app.extensions import db
from app.submission_translations.models import (
    ConsultationTranslator,
    TranslatedSection,
    Translation,
    TranslationRevision,
)


def _at(moment) -> str | None:
    return moment.isoformat() if moment else None


@export_section(
    "submission_translations.created_by_id",
    "submission_translations.checked_by_id",
    "translation_revisions.author_id",
    "consultation_translators.user_id",
    "consultation_translators.invited_by_id",
)
def translations_export(user):
    from app.consultations.models import Consultation
    from app.submissions.models import Section

    started = db.session.scalars(
        select(Translation).where(Translation.created_by_id == user.id).order_by(Translation.id)
    )
    checked = db.session.scalars(
        select(Translation).where(Translation.checked_by_id == user.id).order_by(Translation.id)
    )
    revisions = db.session.execute(
        select(TranslationRevision, Translation.language, Translation.submission_id, Section.key)
        .join(TranslatedSection, TranslatedSection.id == TranslationRevision.translated_section_id)
        .join(Translation, Translation.id == TranslatedSection.translation_id)
        .join(Section, Section.id == TranslatedSection.section_id)
        .where(TranslationRevision.author_id == user.id)
        .order_by(TranslationRevision.id)
    )
    roles = db.session.execute(
        select(Consultation, ConsultationTranslator.created_at)
        .join(Consultation, Consultation.id == ConsultationTranslator.consultation_id)
        .where(ConsultationTranslator.user_id == user.id)
        .order_by(ConsultationTranslator.id)
    )
    invited = db.session.scalar(
        select(func.count(ConsultationTranslator.id)).where(
            ConsultationTranslator.invited_by_id == user.id
        )
    )
    return "translations", {
        "translations_started": [
            {
                "submission": t.submission_id,
                "language": t.language,
                "credited_to": t.credit_kind,
                "your_name_shown": t.show_name,
                "status": t.status,
                "at": _at(t.created_at),
            }
            for t in started
        ],
        "translated_texts": [
            {
                "submission": submission_id,
                "language": language,
                "section": key,
                "saved_at": _at(r.created_at),
                "text": r.body,
            }
            for r, language, submission_id, key in revisions
        ],
        "translations_you_checked": [
            {"submission": t.submission_id, "language": t.language, "at": _at(t.checked_at)}
            for t in checked
        ],
        "translator_in": [{"consultation": c.title, "since": _at(at)} for c, at in roles],
        "translators_you_invited": invited,
    }
