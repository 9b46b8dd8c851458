"""Focal points' key pairs: enrolment, unlocking for one sign-in, password changes, recovery.

The private key is never kept in the clear: wrapped under the password and under the
recovery key in `focal_point_keys`, and, for one signed-in session, locked under a random
key that only that browser's cookie holds (`AccountSession.unlocked_secret`).
"""

from __future__ import annotations

import base64
from datetime import datetime

from flask import session
from nacl.public import PrivateKey
from sqlalchemy import delete, select

from app.audit.services import record_event
from app.auth.models import User
from app.auth.sessions import keep_unlocked_secret, unlocked_secret
from app.extensions import db
from app.safeguarding.models import FocalPointKey, ReportEnvelope
from app.safeguarding.sealing import (
    CannotOpen,
    KdfSpec,
    new_private_key,
    new_recovery_key,
    normalize_recovery_key,
    private_key_from,
    unwrap_private_key,
    wrap_private_key,
)
from app.security import DecryptionError, decrypt_text, encrypt_text

# Between the password and the second factor there is no session row yet: the unlocked key
# rides in the cookie for those few minutes, encrypted with the instance's key, so neither
# the cookie alone nor the server alone can open it.
PENDING = "pending_unlock"


class AlreadyEnrolled(Exception):
    pass


class KeyLocked(Exception):
    """The person has no usable key, or it is not unlocked in this session."""


def key_of(user) -> FocalPointKey | None:
    if user is None or not getattr(user, "is_authenticated", True) or user.id is None:
        return None
    return db.session.scalar(select(FocalPointKey).where(FocalPointKey.user_id == user.id))


def has_usable_key(user) -> bool:
    key = key_of(user)
    return key is not None and key.usable


def create_key(user: User, password: str, now: datetime, *, replace: bool = False):
    """A new key pair; returns (key row, recovery key shown once, private key).

    An unconfirmed key is simply replaced. A confirmed one only with replace=True (after a
    password reset without the recovery key): its envelopes open no more and are deleted.
    """
    existing = key_of(user)
    if existing is not None and existing.usable and not replace:
        raise AlreadyEnrolled
    if existing is not None:
        if existing.usable:
            drop_all_envelopes(user)
            record_event(user, "safety.key_replaced", user, now=now)
        db.session.delete(existing)
        db.session.flush()
    private_key, recovery_key = new_private_key(), new_recovery_key()
    by_password, by_recovery = KdfSpec.new("password"), KdfSpec.new("code")
    key = FocalPointKey(
        user_id=user.id,
        public_key=bytes(private_key.public_key),
        password_kdf=by_password.encode(),
        by_password=wrap_private_key(private_key, password, by_password),
        recovery_kdf=by_recovery.encode(),
        by_recovery_key=wrap_private_key(
            private_key, normalize_recovery_key(recovery_key), by_recovery
        ),
        created_at=now,
    )
    db.session.add(key)
    db.session.flush()
    return key, recovery_key, private_key


def confirm_key(user: User, recovery_key: str, now: datetime) -> PrivateKey:
    """The person typed their recovery key back: it opens the key, so they have stored it."""
    key = key_of(user)
    if key is None or key.usable:
        raise CannotOpen
    private_key = _open_with_recovery_key(key, recovery_key)
    key.confirmed_at = now
    record_event(user, "safety.key_enrolled", user, now=now)
    return private_key


def _open_with_recovery_key(key: FocalPointKey, recovery_key: str) -> PrivateKey:
    typed = normalize_recovery_key(recovery_key)
    private_key = unwrap_private_key(key.by_recovery_key, typed, KdfSpec.parse(key.recovery_kdf))
    if bytes(private_key.public_key) != key.public_key:
        raise CannotOpen
    return private_key


def open_with_password(user, password: str) -> PrivateKey | None:
    """The private key, if the person has a usable key that this password opens."""
    key = key_of(user)
    if key is None or not key.usable or key.password_reset_at is not None:
        return None
    try:
        private_key = unwrap_private_key(key.by_password, password, KdfSpec.parse(key.password_kdf))
    except CannotOpen:
        return None
    return private_key if bytes(private_key.public_key) == key.public_key else None


def restore_with_recovery_key(
    user: User, recovery_key: str, password: str, now: datetime
) -> PrivateKey:
    """After a password reset: the recovery key opens the key, the new password wraps it."""
    key = key_of(user)
    if key is None or not key.usable:
        raise CannotOpen
    private_key = _open_with_recovery_key(key, recovery_key)
    _wrap_with_password(key, private_key, password)
    key.password_reset_at = None
    record_event(user, "safety.key_restored", user, now=now)
    return private_key


def _wrap_with_password(key: FocalPointKey, private_key: PrivateKey, password: str) -> None:
    spec = KdfSpec.new("password")
    key.password_kdf, key.by_password = spec.encode(), wrap_private_key(private_key, password, spec)


def rewrap_for_new_password(user: User, current: str, new: str) -> PrivateKey | None:
    """A password change: the key follows the password. Returns it for the new session."""
    private_key = open_with_password(user, current)
    if private_key is not None:
        key = key_of(user)
        assert key is not None  # it opened with the password
        _wrap_with_password(key, private_key, new)
    return private_key


def password_was_reset(user: User, now: datetime) -> bool:
    """A reset without the old password: the copy under the password opens no more."""
    key = key_of(user)
    if key is None or not key.usable:
        return False
    key.password_reset_at = now
    record_event(user, "safety.key_locked_by_reset", user, now=now)
    return True


def drop_all_envelopes(user: User) -> None:
    db.session.execute(delete(ReportEnvelope).where(ReportEnvelope.user_id == user.id))


# --- This session ---------------------------------------------------------------------------


def remember_unlocked(private_key: PrivateKey) -> None:
    keep_unlocked_secret(bytes(private_key))


def current_private_key(user) -> PrivateKey:
    """The person's private key as unlocked in this session; KeyLocked otherwise."""
    key = key_of(user)
    secret = unlocked_secret()
    if key is None or not key.usable or secret is None:
        raise KeyLocked
    try:
        private_key = private_key_from(secret)
    except CannotOpen:
        raise KeyLocked from None
    if bytes(private_key.public_key) != key.public_key:
        raise KeyLocked  # an older key, replaced since
    return private_key


def is_unlocked(user) -> bool:
    try:
        current_private_key(user)
    except KeyLocked:
        return False
    return True


def hold_until_second_factor(private_key: PrivateKey | None) -> None:
    session.pop(PENDING, None)
    if private_key is not None:
        session[PENDING] = encrypt_text(base64.b64encode(bytes(private_key)).decode())


def take_held_key() -> bytes | None:
    held = session.pop(PENDING, None)
    if not isinstance(held, str):
        return None
    try:
        return base64.b64decode(decrypt_text(held))
    except (DecryptionError, ValueError):
        return None
