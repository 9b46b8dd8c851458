"""A person's own account: profile, password, second factor, data export and deletion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.audit.services import record_event
from app.auth import totp
from app.auth.models import User
from app.auth.passwords import verify_password
from app.auth.services import replace_recovery_codes, set_password
from app.extensions import db


class WrongPassword(Exception):
    pass


class WrongCode(Exception):
    pass


class SecondFactorRequired(Exception):
    """Staff roles cannot turn their second factor off."""


class DeletionBlocked(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# Areas add what they hold about a person (export) and what must happen first (deletion).
PersonalDataSection = Callable[[User], tuple[str, Any]]
EXPORT_SECTIONS: list[PersonalDataSection] = []
DELETION_CHECKS: list[Callable[[User], list[str]]] = []
# Every "table.column" that points to an account, and is in some export section: a test
# fails when a new one is in none.
EXPORTED_COLUMNS: set[str] = set()


def export_section(*covers: str) -> Callable[[PersonalDataSection], PersonalDataSection]:
    """Register a part of the export; `covers` names the columns ("table.column") that point
    to the account and whose rows it exports."""

    def register(fn: PersonalDataSection) -> PersonalDataSection:
        EXPORT_SECTIONS.append(fn)
        EXPORTED_COLUMNS.update(covers)
        return fn

    return register


def deletion_check(fn: Callable[[User], list[str]]) -> Callable[[User], list[str]]:
    DELETION_CHECKS.append(fn)
    return fn


def confirm_password(user: User, password: str) -> None:
    if not verify_password(user.password_hash, password or ""):
        raise WrongPassword


def update_profile(user: User, *, display_name: str, locale: str, timezone: str | None) -> None:
    user.display_name = display_name
    user.locale = locale
    user.timezone = timezone or None


def change_password(user: User, current: str, new: str, now: datetime) -> bytes | None:
    """Returns a focal point's private key, re-wrapped under the new password, for the new
    session (None for everyone else)."""
    from app.safeguarding.keys import rewrap_for_new_password

    confirm_password(user, current)
    private_key = rewrap_for_new_password(user, current, new)
    set_password(user, new, now, reason="changed")
    return bytes(private_key) if private_key is not None else None


def remove_email(user: User, now: datetime) -> None:
    user.email = None
    record_event(user, "email.removed", user, now=now)


def begin_two_factor(user: User) -> str:
    """A new secret, kept aside until the person proves their app has it."""
    if not user.totp_pending_secret:
        user.totp_pending_secret = totp.new_secret()
    return user.totp_pending_secret


def confirm_two_factor(user: User, code: str, now: datetime) -> list[str]:
    secret = user.totp_pending_secret
    step = totp.matching_step(secret, code, None, now.timestamp()) if secret else None
    if step is None:
        raise WrongCode
    user.totp_secret = secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    record_event(user, "two_factor.enabled", user, now=now)
    return replace_recovery_codes(user)


def disable_two_factor(user: User, password: str, now: datetime) -> None:
    confirm_password(user, password)
    if user.needs_two_factor:
        raise SecondFactorRequired
    user.totp_secret = None
    user.totp_last_step = None
    record_event(user, "two_factor.disabled", user, now=now)


def regenerate_recovery_codes(user: User, password: str, now: datetime) -> list[str]:
    confirm_password(user, password)
    codes = replace_recovery_codes(user)
    record_event(user, "recovery_codes.replaced", user, now=now)
    return codes


def export_personal_data(user: User, now: datetime) -> dict[str, Any]:
    """Everything the platform holds about this person, as plain data: what they wrote, and
    what is kept about them; about other people, nothing (DESIGN section 4)."""
    data: dict[str, Any] = {"exported_at": now.isoformat()}
    for section in EXPORT_SECTIONS:
        key, value = section(user)
        data[key] = value
    return data


def delete_account(user: User, password: str, now: datetime) -> None:
    """Delete the account. What the person wrote stays, credited to a former member; nothing
    left points to them (README, "Deleting an account")."""
    from app.audit.services import forget_person as forget_in_audit
    from app.database import checkpoint_after_commit
    from app.jobs import forget_person as forget_in_jobs
    from app.notifications.services import forget_person as forget_in_notifications

    confirm_password(user, password)
    reasons = [reason for check in DELETION_CHECKS for reason in check(user)]
    if reasons:
        raise DeletionBlocked(reasons)
    forget_in_audit(user.id)
    forget_in_notifications(user.id)
    forget_in_jobs(user.id)
    record_event(None, "account.deleted", None, now=now)
    db.session.delete(user)
    db.session.flush()
    checkpoint_after_commit()
