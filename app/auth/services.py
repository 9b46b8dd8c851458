"""Signing up, signing in, second factors and password resets."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from app.audit.services import record_event
from app.auth import totp
from app.auth.models import RecoveryCode, Role, User
from app.auth.passwords import (
    hash_password,
    needs_rehash,
    spend_equal_time,
    verify_password,
)
from app.auth.sessions import close_account_sessions
from app.auth.tokens import TokenExpired, TokenInvalid, issue_token, redeem_token
from app.extensions import db
from app.jobs import enqueue, job
from app.mail import OutboxMessage, mail_enabled, queue_email
from app.security import lookup_hash
from app.timeutil import utcnow

RESET_LIFETIME = timedelta(hours=1)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


class UsernameTaken(Exception):
    pass


class ResetRefused(Exception):
    """A reset by recovery code failed; the reason is deliberately not told."""


__all__ = ["TokenExpired", "TokenInvalid"]


class RoleNotAllowed(Exception):
    """Not a platform role, or a person changing their own role."""


def change_role(actor: User | None, user: User, role: str, now: datetime) -> str:
    """Give an account a platform role; `actor` is None on the command line. Nobody changes
    their own role (an admin cannot step down by mistake, nor anyone step up). Returns the
    old role."""
    if role not in {r.value for r in Role} or (actor is not None and actor.id == user.id):
        raise RoleNotAllowed
    old, user.role = user.role, role
    record_event(actor, "user.role_changed", user, now=now, old=old, new=role)
    return old


def username_from_email(email: str) -> str:
    """A free sign-in name made from an e-mail address (for accounts made by staff)."""
    local = re.sub(r"[^a-z0-9._-]", "", email.split("@")[0].lower()) or "user"
    base, suffix = local[:36], 1
    candidate = base if len(base) >= 3 else f"{base}-user"
    while db.session.scalar(select(User.id).where(User.username == candidate)):
        suffix += 1
        candidate = f"{base}{suffix}"
    return candidate


def normalise_username(username: str) -> str:
    return username.strip().lower()


def create_account(
    *,
    username: str,
    display_name: str,
    password: str,
    now: datetime,
    role: str = Role.MEMBER,
    locale: str | None = None,
    email: str | None = None,
    password_hash: str | None = None,
) -> tuple[User, list[str]]:
    """A new account with its recovery codes (returned once, in plain text)."""
    username = normalise_username(username)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise UsernameTaken
    user = User(
        username=username,
        display_name=display_name.strip(),
        # A precomputed hash is for bulk demo data, where every account shares one password.
        password_hash=password_hash or hash_password(password),
        role=role,
        locale=locale,
        created_at=now,
    )
    user.email = email
    db.session.add(user)
    codes = replace_recovery_codes(user)
    db.session.flush()
    record_event(user, "account.created", user, now=now, role=role)
    return user, codes


def _named(identifier: str):
    """The condition that picks an account by sign-in name or by confirmed e-mail."""
    identifier = identifier.strip().lower()
    if "@" in identifier:
        return User.email_lookup == lookup_hash(identifier)
    return User.username == identifier


def find_account(identifier: str) -> User | None:
    """An account by sign-in name or by confirmed e-mail."""
    if not identifier.strip():
        return None
    return db.session.scalar(select(User).where(_named(identifier)))


def authenticate(identifier: str, password: str, now: datetime) -> User | None:
    """The account when the password is right. A wrong name costs what a wrong password
    costs (one Argon2 verification, one audit event), so timing tells neither apart."""
    user = find_account(identifier)
    if user is None:
        spend_equal_time(password)
    elif verify_password(user.password_hash, password):
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user
    # With no account, the event names none: what was typed is never stored.
    record_event(user, "sign_in.failed", user, now=now)
    return None


def check_second_factor(user: User, code: str, now: datetime) -> bool:
    """Accept a current TOTP code or an unused recovery code (which is then used up)."""
    if user.totp_secret:
        step = totp.matching_step(user.totp_secret, code, user.totp_last_step, now.timestamp())
        if step is not None:
            user.totp_last_step = step
            return True
    return use_recovery_code(user, code, now)


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    digest = totp.hash_recovery_code(code)
    for stored in user.recovery_codes:
        if stored.used_at is None and stored.code_hash == digest:
            stored.used_at = now
            record_event(user, "recovery_code.used", user, now=now)
            return True
    return False


def replace_recovery_codes(user: User) -> list[str]:
    codes = totp.new_recovery_codes()
    user.recovery_codes = [RecoveryCode(code_hash=totp.hash_recovery_code(c)) for c in codes]
    return codes


def unused_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def set_password(user: User, password: str, now: datetime, reason: str) -> None:
    """A new password signs the account out everywhere else."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    close_account_sessions(user)
    record_event(user, "password.changed", user, now=now, reason=reason)


def request_password_reset(email: str) -> None:
    """Have a job e-mail a reset link if an account has this address.

    The job looks for the account, so this request does the same work whether or not one
    has the address: neither its answer nor its timing tells. The address waits encrypted
    in the outbox, and the job gets only the outbox id."""
    if not mail_enabled():
        return
    message = OutboxMessage(
        user_id=None, template="password_reset", payload=json.dumps({"to": email.strip()})
    )
    db.session.add(message)
    db.session.flush()
    enqueue("send_password_reset", message.id)


@job("send_password_reset")
def send_password_reset(record_id: str, outbox_id: int) -> None:
    message = db.session.get(OutboxMessage, outbox_id)
    if message is None:  # done by an earlier try
        return
    address = json.loads(message.payload)["to"]
    db.session.delete(message)
    user = find_account(address) if "@" in address else None
    if user is None or not user.email:
        return
    now = utcnow()
    token = issue_token(user, "reset", now, RESET_LIFETIME)
    queue_email(user, "password_reset", token=token)
    record_event(user, "password.reset_requested", user, now=now)


def reset_with_token(token: str, password: str, now: datetime) -> User:
    record = redeem_token(token, "reset", now)
    set_password(record.user, password, now, reason="email_link")
    return record.user


def reset_with_recovery_code(identifier: str, code: str, password: str, now: datetime) -> User:
    """One query looks for an unused code of the named account, so a wrong name costs what
    a wrong code costs, and timing does not tell whether the account exists."""
    stored = db.session.scalar(
        select(RecoveryCode)
        .join(RecoveryCode.user)
        .where(
            _named(identifier),
            RecoveryCode.code_hash == totp.hash_recovery_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if stored is None:
        raise ResetRefused
    user = stored.user
    stored.used_at = now
    record_event(user, "recovery_code.used", user, now=now)
    set_password(user, password, now, reason="recovery_code")
    return user


def sign_out_everywhere(user: User, now: datetime) -> None:
    user.session_version += 1
    close_account_sessions(user)
    record_event(user, "sessions.revoked", user, now=now)


EMAIL_CONFIRMATION_LIFETIME = timedelta(days=2)


def request_email_confirmation(user: User, email: str, now: datetime) -> None:
    """Send a link to the new address; it counts only once confirmed from there."""
    email = email.strip().lower()
    token = issue_token(user, "email", now, EMAIL_CONFIRMATION_LIFETIME, payload=email)
    queue_email(user, "confirm_email", to=email, token=token)


def confirm_email(token: str, now: datetime) -> str:
    """'confirmed', or 'taken' when another account confirmed this address first."""
    record = redeem_token(token, "email", now)
    email = record.payload or ""
    holder = db.session.scalar(select(User).where(User.email_lookup == lookup_hash(email)))
    if holder is not None and holder.id != record.user_id:
        return "taken"
    record.user.email = email
    record_event(record.user, "email.confirmed", record.user, now=now)
    return "confirmed"


def record_sign_in(user: User, now: datetime) -> None:
    record_event(user, "sign_in", user, now=now, second_factor=user.has_two_factor)
