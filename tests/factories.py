"""Factories: small functions that make valid objects with sensible defaults."""

from __future__ import annotations

import itertools
import time

import pyotp

from app.auth.models import Role, User
from app.auth.services import create_account
from app.extensions import db
from app.timeutil import utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(
    *,
    role: str = Role.MEMBER,
    username: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    two_factor: bool | None = None,
    locale: str | None = None,
) -> User:
    """An account; staff roles get a second factor unless two_factor=False."""
    number = next(_counter)
    user, codes = create_account(
        username=username or f"user{number}",
        display_name=display_name or f"Person {number}",
        password=password,
        email=email,
        role=role,
        locale=locale,
        now=utcnow(),
    )
    user.recovery_codes_plain = codes  # only on this object, for tests
    if two_factor or (two_factor is None and role != Role.MEMBER):
        user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user


def totp_now(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def sign_in(client, user: User) -> None:
    """Put a signed-in session into a test client without going through the forms."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["seen"] = int(time.time())
        session.permanent = True
