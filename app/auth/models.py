"""Accounts: people who sign in, their recovery codes and password resets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.i18n import lazy_gettext as _l
from app.security import EncryptedText, lookup_hash
from app.timeutil import utcnow


class Role(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"
    UN_REVIEWER = "un-reviewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MEMBER: _l("Member"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.UN_REVIEWER: _l("UN reviewer"),
    Role.ADMIN: _l("Admin"),
}

# Staff accounts must have a second factor before they can act.
ROLES_REQUIRING_TWO_FACTOR = {Role.FACILITATOR, Role.UN_REVIEWER, Role.ADMIN}


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # The e-mail is encrypted; email_lookup is a keyed hash to find an account by e-mail.
    email_encrypted: Mapped[str | None] = mapped_column(EncryptedText)
    email_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_pending_secret: Mapped[str | None] = mapped_column(EncryptedText)
    # The last TOTP time step accepted, so a code cannot be used twice.
    totp_last_step: Mapped[int | None]
    # The organization the person is currently acting for (they may belong to several).
    active_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL", use_alter=True)
    )
    # Part of the session identity: raising it signs the account out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    active_organization = relationship("Organization", foreign_keys=[active_organization_id])
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def email(self) -> str | None:
        return self.email_encrypted

    @email.setter
    def email(self, value: str | None) -> None:
        value = (value or "").strip().lower() or None
        self.email_encrypted = value
        self.email_lookup = lookup_hash(value) if value else None

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    @property
    def needs_two_factor(self) -> bool:
        return self.role in ROLES_REQUIRING_TWO_FACTOR

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class RecoveryCode(Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of an 80-bit random code: too much entropy to guess from the hash.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class AccountSession(Model):
    """One signed-in browser. Its cookie holds a random token; only the token's hash is kept.

    Deleting the row signs that browser out on every process at once (sign-out, idle
    timeout, "sign out everywhere", password change). Nothing about the device or its
    address is kept: only when the session began and when it was last active.
    """

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    # Raised at most once a minute by activity; the idle timeout counts from it.
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    # A secret unlocked at sign-in (a focal point's private key), locked again under a random
    # key that only this browser's cookie holds: the row alone cannot open it, and it dies
    # with the session.
    unlocked_secret: Mapped[bytes | None] = mapped_column(LargeBinary)


class AccountToken(Model):
    """A single-use link sent by e-mail: a password reset or an e-mail confirmation."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    # Only a hash of the token is kept; the link itself exists only in the e-mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # For an e-mail confirmation: the address to confirm, encrypted.
    payload: Mapped[str | None] = mapped_column(EncryptedText)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
