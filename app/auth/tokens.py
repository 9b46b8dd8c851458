"""Single-use, expiring tokens for links sent by e-mail."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from app.auth.models import AccountToken, User
from app.extensions import db
from app.tokens import token_digest


class TokenInvalid(Exception):
    """The link is unknown or was already used."""


class TokenExpired(Exception):
    """The link is older than its lifetime."""


def issue_token(
    user: User, purpose: str, now: datetime, lifetime: timedelta, payload: str | None = None
) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            user=user,
            purpose=purpose,
            token_hash=token_digest(token),
            payload=payload,
            expires_at=now + lifetime,
        )
    )
    return token


def find_token(token: str, purpose: str, now: datetime) -> AccountToken:
    record = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_digest(token), AccountToken.purpose == purpose
        )
    )
    if record is None or record.used_at is not None:
        raise TokenInvalid
    if record.expires_at <= now:
        raise TokenExpired
    return record


def redeem_token(token: str, purpose: str, now: datetime) -> AccountToken:
    """Mark the token used; any other open token of the same purpose is used up too."""
    record = find_token(token, purpose, now)
    for other in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == record.user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    ):
        other.used_at = now
    return record
