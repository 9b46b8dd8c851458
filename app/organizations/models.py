"""Organizations, their members, invitations and join requests."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.security import EncryptedText
from app.timeutil import utcnow


class OrgKind(StrEnum):
    MIGRANT_LED = "migrant-led"
    NGO = "ngo"
    TRADE_UNION = "trade-union"
    FAITH_BASED = "faith-based"
    LAWYERS = "lawyers"
    NETWORK = "network"
    INFORMAL = "informal"
    OTHER = "other"


KIND_LABELS: dict[str, Any] = {
    OrgKind.MIGRANT_LED: _l("Migrant-led association"),
    OrgKind.NGO: _l("Non-governmental organization"),
    OrgKind.TRADE_UNION: _l("Trade union"),
    OrgKind.FAITH_BASED: _l("Faith-based group"),
    OrgKind.LAWYERS: _l("Lawyers' collective"),
    OrgKind.NETWORK: _l("Network or coalition"),
    OrgKind.INFORMAL: _l("Informal self-organized group"),
    OrgKind.OTHER: _l("Other"),
}


class Verification(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


VERIFICATION_LABELS: dict[str, Any] = {
    Verification.PENDING: _l("Waiting for verification"),
    Verification.VERIFIED: _l("Verified"),
    Verification.REJECTED: _l("Not verified"),
}


class MemberRole(StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


MEMBER_ROLE_LABELS: dict[str, Any] = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.EDITOR: _l("Editor"),
    MemberRole.VIEWER: _l("Viewer"),
}


class Organization(Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # Contact details are encrypted for every organization (required for unlisted ones).
    # Deferred: read and decrypted only where a page shows them (the profile, the edit
    # form), never for a list of organizations.
    contact: Mapped[str | None] = mapped_column(EncryptedText, deferred=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    verification: Mapped[str] = mapped_column(String(12), default=Verification.PENDING, index=True)
    verification_reason: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", passive_deletes=True
    )
    country_rows: Mapped[list[OrganizationCountry]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OrganizationCountry.code"
    )
    language_rows: Mapped[list[OrganizationLanguage]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OrganizationLanguage.code"
    )
    # Plain lists of codes; rows in their own tables so every database can filter on them.
    countries: AssociationProxy[list[str]] = association_proxy(
        "country_rows", "code", creator=lambda code: OrganizationCountry(code=code)
    )
    languages: AssociationProxy[list[str]] = association_proxy(
        "language_rows", "code", creator=lambda code: OrganizationLanguage(code=code)
    )

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED

    @property
    def is_public(self) -> bool:
        """Listed and verified: shown to everyone, in the directory and on its profile."""
        return self.listed and self.is_verified

    def owners(self) -> list[Membership]:
        return [m for m in self.memberships if m.role == MemberRole.OWNER]

    def membership_of(self, user) -> Membership | None:
        user_id = getattr(user, "id", None)
        return next((m for m in self.memberships if m.user_id == user_id), None)

    def __repr__(self) -> str:
        return f"<Organization {self.id}>"


class OrganizationCountry(Model):
    __tablename__ = "organization_countries"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class OrganizationLanguage(Model):
    __tablename__ = "organization_languages"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)


class Membership(Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user = relationship("User")


class Invitation(Model):
    """A single-use link to join an organization; only a hash of the token is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class JoinRequest(Model):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()
    user = relationship("User")


class OrgName(NamedTuple):
    """What an organization's name with its badge needs (`org_name`, `org_names`), for
    pages that read organizations as rows rather than objects."""

    id: int
    name: str
    verification: str
