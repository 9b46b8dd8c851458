"""Reviews and the consultations that feed them: scope, questions, dates, who takes part."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import get_locale
from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, inspect
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import Model, db
from app.i18n import content_language
from app.i18n import lazy_gettext as _l
from app.timeutil import utcnow


class ConsultationState(StrEnum):
    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    COMPILED = "compiled"


STATE_LABELS: dict[str, Any] = {
    ConsultationState.DRAFT: _l("Not published"),
    ConsultationState.UPCOMING: _l("Upcoming"),
    ConsultationState.OPEN: _l("Open for drafting"),
    ConsultationState.CLOSED: _l("Closed"),
    ConsultationState.COMPILED: _l("Compiled"),
}

AREA_KINDS = ("city", "country", "region")
# UN regions, by the regional commissions that convene regional GCM reviews.
UN_REGIONS = {
    "asia-pacific": _l("Asia and the Pacific"),
    "africa": _l("Africa"),
    "europe": _l("Europe and North America"),
    "latin-america": _l("Latin America and the Caribbean"),
    "arab-region": _l("Arab region"),
    "world": _l("Global"),
}


class Review(Model):
    """The review process a consultation feeds: local, national, regional or global."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(10), index=True)
    area_kind: Mapped[str] = mapped_column(String(10))
    # An ISO country code, a UN region key, or a city's name.
    area: Mapped[str] = mapped_column(String(120), index=True)
    cycle: Mapped[str] = mapped_column(String(20))
    convening_body: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Consultation(Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    original_language: Mapped[str] = mapped_column(String(8))
    # {language: {"title": ..., "description": ...}}; the original language is always there.
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # All titles and descriptions, lower-cased, for search on every database.
    # Only searched in SQL, never shown: not read with the row.
    search_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    invitation_only: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    opens_at: Mapped[datetime]
    deadline_at: Mapped[datetime] = mapped_column(index=True)
    review_meeting_at: Mapped[datetime | None]
    # The symbol the convening body gives the compiled input (e.g. ESCAP/GCM/2027/INF/3),
    # printed on every page of it.
    document_symbol: Mapped[str | None] = mapped_column(String(80))
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Set when a facilitator publishes a compilation (see compilations).
    compiled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    review: Mapped[Review] = relationship()
    objective_rows: Mapped[list[ConsultationObjective]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ConsultationObjective.number"
    )
    questions: Mapped[list[GuidingQuestion]] = relationship(
        back_populates="consultation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="GuidingQuestion.position",
    )
    staff: Mapped[list[ConsultationStaff]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    participations: Mapped[list[Participation]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", passive_deletes=True
    )
    language_rows: Mapped[list[ConsultationLanguage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ConsultationLanguage.code"
    )
    accepted_languages: AssociationProxy[list[str]] = association_proxy(
        "language_rows", "code", creator=lambda code: ConsultationLanguage(code=code)
    )
    documents: Mapped[list[ConsultationDocument]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ConsultationDocument.id"
    )

    # The objectives' numbers and the accepted languages' codes as strings ("6,14", "" for
    # none) when the page's statement asked for them with the row
    # (queries.consultation_for_page); else None.
    objective_codes: Mapped[str | None] = query_expression()
    language_codes: Mapped[str | None] = query_expression()

    @property
    def objectives(self) -> list[int]:
        """The numbers, in order: from the rows once they are loaded or set, else from
        `objective_codes` when they came with the row, else from the rows (read now)."""
        if self.objective_codes is not None and "objective_rows" in inspect(self).unloaded:
            return sorted(int(n) for n in self.objective_codes.split(",") if n)
        return [row.number for row in self.objective_rows]

    @property
    def languages(self) -> list[str]:
        """The accepted languages' codes, in order (read as `objectives` is)."""
        if self.language_codes is not None and "language_rows" in inspect(self).unloaded:
            return sorted(code for code in self.language_codes.split(",") if code)
        return list(self.accepted_languages)

    def set_objectives(self, numbers) -> None:
        wanted = sorted(set(numbers))
        self.objective_rows = [ConsultationObjective(number=n) for n in wanted]

    def state(self, now: datetime) -> ConsultationState:
        """Follows from the dates; never stored."""
        if not self.published:
            return ConsultationState.DRAFT
        if self.compiled_at is not None:
            return ConsultationState.COMPILED
        if now < self.opens_at:
            return ConsultationState.UPCOMING
        if now < self.deadline_at:
            return ConsultationState.OPEN
        return ConsultationState.CLOSED

    def is_open(self, now: datetime) -> bool:
        """Open for drafting: from the opening (included) to the deadline (excluded)."""
        return self.published and self.opens_at <= now < self.deadline_at

    def text(self, language: str | None = None) -> tuple[dict[str, str], str]:
        """The title and description in the reader's language when present, else original."""
        wanted = content_language(language or str(get_locale()))
        if wanted in self.texts:
            return self.texts[wanted], wanted
        return self.texts.get(self.original_language, {}), self.original_language

    @property
    def title(self) -> str:
        return self.text()[0].get("title", "")

    @property
    def title_language(self) -> str:
        """The language `title` is written in (the reader's, or the original)."""
        return self.text()[1]

    @property
    def requires_verification(self) -> bool:
        """Open consultations take verified organizations; invited ones need no badge."""
        return not self.invitation_only

    def staff_ids(self, role: str) -> set[int]:
        return {s.user_id for s in self.staff if s.role == role}

    def participation_of(self, org) -> Participation | None:
        """Read from the database: a consultation may have thousands of participants."""
        from sqlalchemy import select

        return db.session.scalar(
            select(Participation).where(
                Participation.consultation_id == self.id,
                Participation.organization_id == org.id,
            )
        )


class ConsultationObjective(Model):
    __tablename__ = "consultation_objectives"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True, index=True)


class ConsultationLanguage(Model):
    __tablename__ = "consultation_languages"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class GuidingQuestion(Model):
    """A question of a consultation; each becomes a section of every submission."""

    __tablename__ = "guiding_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    # A stable short key ("q1", "q2"...): the section key in URLs and exports.
    key: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    # {language: {"text": ..., "help": ...}}
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    objectives: Mapped[list[int]] = mapped_column(JSON, default=list)
    word_limit: Mapped[int] = mapped_column(default=500)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")

    def text(self, language: str | None = None) -> dict[str, str]:
        return self.text_and_language(language)[0]

    def text_and_language(self, language: str | None = None) -> tuple[dict[str, str], str]:
        """The question in the reader's language when present, else the original, with the
        language it is written in."""
        wanted = content_language(language or str(get_locale()))
        if self.texts.get(wanted):
            return self.texts[wanted], wanted
        original = self.consultation.original_language
        return self.texts.get(original, {}), original


class ConsultationStaff(Model):
    """A facilitator or UN reviewer assigned to a consultation by an admin."""

    __tablename__ = "consultation_staff"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # "facilitator" or "un-reviewer"

    user = relationship("User")


class Participation(Model):
    """An organization taking part in a consultation, or invited to."""

    __tablename__ = "participations"
    __table_args__ = (UniqueConstraint("consultation_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10))  # "invited" or "joined"
    invited_at: Mapped[datetime | None]
    joined_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship(back_populates="participations")
    organization = relationship("Organization")

    @property
    def joined(self) -> bool:
        return self.state == "joined"


class ConsultationInvitationLink(Model):
    """A single-use link a facilitator shares with an organization they cannot see
    (an unlisted one): whoever owns an organization can join it with the link."""

    __tablename__ = "consultation_invitation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )

    consultation: Mapped[Consultation] = relationship()


class DeadlineReminder(Model):
    """Which reminder went to which organization, so each is sent once."""

    __tablename__ = "deadline_reminders"
    __table_args__ = (UniqueConstraint("consultation_id", "organization_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # "7d" or "1d"
    # When the in-app notifications went out.
    sent_at: Mapped[datetime]
    # When the e-mails were handed to an outbox that sends them (None while no mail server
    # is configured: they go out once one is, if the reminder is still due).
    emailed_at: Mapped[datetime | None]


class ConsultationDocument(Model):
    """A background document a facilitator attaches to a consultation."""

    __tablename__ = "consultation_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file = relationship("StoredFile")


class PhaseNotice(Model):
    """A phase notice that went out for a consultation, so each goes out once: keyed by kind
    and a value (the deadline for "deadline" and "closed", the compilation or outcome document
    for "compiled" and "outcome"; empty for "opened")."""

    __tablename__ = "phase_notices"
    __table_args__ = (UniqueConstraint("consultation_id", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(40), default="")
    # When the notices went out (or, for the first deadline seen, when it was noted silently).
    sent_at: Mapped[datetime]
