"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.i18n import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 256
ZXCVBN_MAX_LENGTH = 72


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash of a random password, made once per process with the configured cost."""
    return _hasher(time_cost, memory_cost, parallelism).hash(secrets.token_urlsafe(32))


def spend_equal_time(password: str) -> None:
    """When no account matches, verify once against a hash of the configured cost, as for
    a wrong password: a wrong name takes as long, and timing tells nothing."""
    config = current_app.config
    dummy = _dummy_hash(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )
    verify_password(dummy, password)


# zxcvbn's word lists take about 13 MB: they are imported when someone sets a password, not
# with the app, so a web worker that only serves pages never holds them.
@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, related: list[str]) -> str | None:
    """Why a new password is refused, or None. `related` holds the person's names."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(count)d characters.", count=MAX_LENGTH))
    if password.lower() in _common_passwords():
        return str(_l("This password is one of the most common ones. Choose another."))
    from zxcvbn import zxcvbn

    # zxcvbn refuses passwords longer than ZXCVBN_MAX_LENGTH (an error, not a score).
    score = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[r for r in related if r])["score"]
    if score < 2:
        return str(_l("This password is too easy to guess. Try a few unrelated words together."))
    return None
