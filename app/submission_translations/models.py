"""A translation of an accepted submission into one language: one text per section, each
with its own revisions, and a mark that says who translated it and whether it is checked.

Who translated is a credit the translator chooses: their organization, "a volunteer", or
(for the submission's own organizations) "the authors"; their own name only if they ask.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.timeutil import utcnow

UNCHECKED, CHECKED = "unchecked", "checked"
STATUS_LABELS = {UNCHECKED: _l("not checked"), CHECKED: _l("checked")}
# How the translation is credited: an organization, a volunteer, or the text's own authors.
CREDIT_KINDS = ("organization", "volunteer", "authors")


class Translation(Model):
    __tablename__ = "submission_translations"
    __table_args__ = (UniqueConstraint("submission_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    # The person who started it; never shown to others unless show_name is set.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    credit_kind: Mapped[str] = mapped_column(String(12), default="volunteer")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default=UNCHECKED)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission = relationship("Submission")
    organization = relationship("Organization")
    created_by = relationship("User", foreign_keys=[created_by_id])
    sections: Mapped[list[TranslatedSection]] = relationship(
        back_populates="translation", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def checked(self) -> bool:
        return self.status == CHECKED

    def section_for(self, section_id: int) -> TranslatedSection | None:
        return next((s for s in self.sections if s.section_id == section_id), None)


class TranslatedSection(Model):
    """One section of the original, translated; its text is its current revision's."""

    __tablename__ = "translated_sections"
    __table_args__ = (UniqueConstraint("translation_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("submission_translations.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("translation_revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # Raised by every save; a save made from an older version is refused, nothing is lost.
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    translation: Mapped[Translation] = relationship(back_populates="sections")
    section = relationship("Section")
    current_revision: Mapped[TranslationRevision | None] = relationship(
        foreign_keys=[current_revision_id]
    )

    @property
    def text(self) -> str:
        return self.current_revision.body if self.current_revision else ""


class TranslationRevision(Model):
    """Every save of a translated section, and the revision of the original it translates."""

    __tablename__ = "translation_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    translated_section_id: Mapped[int] = mapped_column(
        ForeignKey("translated_sections.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsultationTranslator(Model):
    """A person a facilitator invited to translate the accepted texts of a consultation."""

    __tablename__ = "consultation_translators"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
