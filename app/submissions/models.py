"""Submissions: one text, written together by one or more organizations, section by section."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.submissions.states import EDITABLE_STATES, SubmissionState
from app.timeutil import utcnow

ATTRIBUTIONS = ("named", "anonymous", "confidential")  # from least to most strict
ATTRIBUTION_LABELS = {
    "named": _l("Named: the organizations' names are shown"),
    "anonymous": _l("Anonymous: only the kind of organization and a broad area are shown"),
    "confidential": _l("Confidential: left out of the public edition; only UN reviewers read it"),
}
CONTRIBUTION_TYPES = ("progress", "challenge", "recommendation", "good practice", "pledge")
CONTRIBUTION_LABELS = {
    "progress": _l("Progress"),
    "challenge": _l("Challenge"),
    "recommendation": _l("Recommendation"),
    "good practice": _l("Good practice"),
    "pledge": _l("Pledge"),
}


def strictest(choices) -> str:
    return max(choices, key=ATTRIBUTIONS.index)


class Submission(Model):
    __tablename__ = "submissions"
    # A unique index (not a constraint) so that SQLite adds it without rebuilding the table.
    __table_args__ = (
        Index(
            "ix_submissions_consultation_reference",
            "consultation_id",
            "reference_number",
            unique=True,
        ),
        # The facilitator's dashboard lists a consultation's submissions page by page in this
        # order: with the index, a page reads its 50 rows instead of sorting them all.
        Index("ix_submissions_consultation_created", "consultation_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    lead_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(8))
    # The lead's own choice; the effective attribution is the strictest of all (see below).
    attribution: Mapped[str] = mapped_column(String(12), default="named")
    state: Mapped[str] = mapped_column(String(12), default=SubmissionState.DRAFT, index=True)
    # A facilitator can give one submission more time than the consultation's deadline.
    deadline_extended_to: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Given once, when the submission is first accepted (max + 1 within the consultation),
    # and never changed or reused: the "S-014" of app/compilations/references.py.
    reference_number: Mapped[int | None]

    consultation = relationship("Consultation")
    lead_organization = relationship("Organization")
    sections: Mapped[list[Section]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )
    coauthors: Mapped[list[Coauthor]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )
    sign_offs: Mapped[list[SignOff]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Attachment.id"
    )
    endorsements: Mapped[list[Endorsement]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", passive_deletes=True
    )

    def deadline(self) -> datetime:
        """The moment drafting ends for this submission (its own extension, if any)."""
        regular = self.consultation.deadline_at
        extension = self.deadline_extended_to
        return max(regular, extension) if extension else regular

    @property
    def in_drafting_state(self) -> bool:
        """Draft or returned: its organizations may change it while the dates allow."""
        return self.state in EDITABLE_STATES

    def is_editable(self, now: datetime) -> bool:
        """The one rule for "can the text change now": a drafting state, and between the
        consultation's opening and this submission's deadline (extension included)."""
        return self.in_drafting_state and self.consultation.opens_at <= now < self.deadline()

    @property
    def is_accepted(self) -> bool:
        return self.state == SubmissionState.ACCEPTED

    @property
    def is_withdrawn(self) -> bool:
        return self.state == SubmissionState.WITHDRAWN

    def accepted_coauthors(self) -> list[Coauthor]:
        return [c for c in self.coauthors if c.state == "accepted"]

    def organization_ids(self) -> set[int]:
        """The lead and the co-authors who accepted: the organizations that write it."""
        return {self.lead_organization_id} | {c.organization_id for c in self.accepted_coauthors()}

    def effective_attribution(self) -> str:
        """The strictest choice of any co-author organization wins."""
        return strictest([self.attribution] + [c.attribution for c in self.accepted_coauthors()])

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def ordered_sections(self) -> list[Section]:
        return sorted(self.sections, key=lambda s: s.question.position)


class Section(Model):
    """One guiding question's part of a submission; its text is its current revision's."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("submission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("guiding_questions.id"), index=True)
    key: Mapped[str] = mapped_column(String(20))
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    # Raised by every save; a save whose version does not match is retried.
    version: Mapped[int] = mapped_column(default=0)
    contribution_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="sections")
    question = relationship("GuidingQuestion")
    current_revision: Mapped[Revision | None] = relationship(foreign_keys=[current_revision_id])
    objective_rows: Mapped[list[SectionObjective]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SectionObjective.number"
    )

    @property
    def text(self) -> str:
        return self.current_revision.body if self.current_revision else ""

    # The objectives' numbers as one string ("6,14", "" for none), when the loader asked for
    # them in the section's own statement (loading.load_for_editor); else None.
    objective_numbers: Mapped[str | None] = query_expression()
    # Whether anyone commented on it, likewise (None when not asked for): a page without
    # comments does not ask for them.
    has_comments: Mapped[bool | None] = query_expression()

    @property
    def objectives(self) -> list[int]:
        """The numbers, in order: from the rows once they are loaded or set, else from
        `objective_numbers` when it came with the section, else from the rows (read now)."""
        if self.objective_numbers is not None and "objective_rows" in inspect(self).unloaded:
            return sorted(int(n) for n in self.objective_numbers.split(",") if n)
        return [row.number for row in self.objective_rows]

    def set_objectives(self, numbers) -> None:
        self.objective_rows = [SectionObjective(number=n) for n in sorted(set(numbers))]


class SectionObjective(Model):
    __tablename__ = "section_objectives"

    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True, index=True)


class ObjectiveCoverage(Model):
    """How many sections with text address each GCM objective, per consultation, leaving
    out withdrawn submissions: the facilitator's dashboard shows it. Kept up to date as
    sections change (app/submissions/coverage.py), not counted on each view."""

    __tablename__ = "objective_coverage"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(primary_key=True)
    sections: Mapped[int]


class Revision(Model):
    """Every save of a section: author, time, text, and the revision it was based on.

    kind: "edit" (a person's text), "merge" (their text merged with what was saved since),
    "restore", or "conflict" (a text that could not be merged: kept, not current).
    """

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    base_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(10), default="edit")

    author = relationship("User")


class EditingPresence(Model):
    """Who has a section open right now (refreshed while they edit)."""

    __tablename__ = "editing_presence"
    __table_args__ = (UniqueConstraint("section_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime]

    user = relationship("User")


class Coauthor(Model):
    __tablename__ = "coauthors"
    __table_args__ = (UniqueConstraint("submission_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(10), default="invited")
    # This organization's own attribution choice, made when it accepts.
    attribution: Mapped[str] = mapped_column(String(12), default="named")
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    submission: Mapped[Submission] = relationship(back_populates="coauthors")
    organization = relationship("Organization")


class CoauthorLink(Model):
    """A single-use link to invite an organization the lead cannot see (an unlisted one)."""

    __tablename__ = "coauthor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    submission = relationship("Submission")


class SignOff(Model):
    """An owner's confirmation, for their organization, of the final text."""

    __tablename__ = "sign_offs"
    __table_args__ = (UniqueConstraint("submission_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime]


class Comment(Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # The passage of the section the comment is about, copied when it was written: the exact
    # words, with up to 32 characters before and after them and the revision they were read
    # in (a W3C Web Annotation TextQuoteSelector), so it is found again after edits.
    quote: Mapped[str | None] = mapped_column(Text)
    quote_prefix: Mapped[str | None] = mapped_column(String(64))
    quote_suffix: Mapped[str | None] = mapped_column(String(64))
    quote_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    # Set by moderation: hidden comments stay, with the reason shown to their author.
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    author = relationship("User")
    section = relationship("Section")


class Attachment(Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file = relationship("StoredFile")


class Endorsement(Model):
    """Another organization signing on to an accepted submission, with its own attribution."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("submission_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    attribution: Mapped[str] = mapped_column(String(12), default="named")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="endorsements")
    organization = relationship("Organization")
