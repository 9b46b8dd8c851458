"""Who is signed in: session identity, idle timeout, and the staff second-factor rule.

A signed-in browser holds, in its signed cookie, the account id and a random session token.
The token's hash is a row in `account_sessions`; without that row the cookie is worthless.
So signing out, the idle timeout and "sign out everywhere" end a session on every process
at once, and a copied cookie cannot be replayed afterwards. Nothing in the cookie or the row
comes from the client's address or browser (Flask-Login's `_id`, a hash of both, is removed).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from nacl.utils import random as random_bytes
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import defer

from app.auth.models import AccountSession, User
from app.extensions import db, htmx, login_manager
from app.i18n import lazy_gettext as _l
from app.i18n import ngettext
from app.timeutil import utcnow
from app.tokens import new_token, token_digest

SESSION_TOKEN = "sid"
# The random key that opens this session's unlocked secret (see AccountSession). Flask's
# cookie is signed, not encrypted: only the browser and this process, during a request,
# ever hold the key; the server keeps only what it locks.
UNLOCK_KEY = "unlock"
# Activity moves the idle timer at most this often, so a busy page costs no write per click.
TOUCH_EVERY = timedelta(minutes=1)

# Views that do not count as activity (polling), and do not extend the idle timer.
_PASSIVE_VIEWS: set[Callable] = set()
# Endpoints a staff account without a second factor may still reach.
_ALLOWED_BEFORE_TWO_FACTOR = {
    "static",
    "auth.sign_out",
    "auth.quick_exit",
    "account.two_factor_setup",
    "account.two_factor_confirm",
    "main.set_language",
    "main.healthz",
    "main.privacy",
}


def passive(view: Callable) -> Callable:
    """Mark a polling view: it does not reset the idle timer."""
    _PASSIVE_VIEWS.add(view)
    return view


def _parse_identity(identity: str) -> tuple[int, int] | None:
    user_id, _, version = identity.partition(".")
    if not user_id.isdigit() or not version.isdigit() or len(user_id) > 18:
        return None
    return int(user_id), int(version)


def account_for_identity(identity: str) -> User | None:
    """The account a cookie's identity names, if its session version still holds.

    Used between the password and the second factor, before a session exists.
    """
    parsed = _parse_identity(identity)
    if parsed is None:
        return None
    user = db.session.get(User, parsed[0])
    if user is None or user.session_version != parsed[1]:
        return None  # signed out everywhere, or the password changed
    return user


@cache
def _account_statement():
    """One statement for the account, its session, its safety roles (every menu asks for
    them) and its memberships (most permissions ask); the encrypted e-mail address is read
    only if the request uses it. Built once: every signed-in request runs it."""
    from app.policy import membership_roles_column
    from app.safeguarding.queries import safety_role_columns

    return (
        select(
            User, AccountSession, *safety_role_columns(User.id), membership_roles_column(User.id)
        )
        .join(AccountSession, AccountSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            AccountSession.token_hash == bindparam("token_hash"),
        )
        .options(defer(User.email_encrypted))
    )


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    parsed = _parse_identity(identity)
    token = session.get(SESSION_TOKEN)
    if parsed is None or not isinstance(token, str):
        return None
    from app.policy import remember_memberships
    from app.safeguarding.queries import remember_safety_roles

    values = {"user_id": parsed[0], "token_hash": token_digest(token)}
    row = db.session.execute(_account_statement(), values).first()
    if row is None or row.User.session_version != parsed[1]:
        return None
    g.account_session = row.AccountSession
    remember_safety_roles(row.User.id, (row[2], row[3]))
    remember_memberships(row.User.id, row[4])
    return row.User


def idle_minutes() -> int:
    return max(1, int(current_app.config["IDLE_TIMEOUT"].total_seconds() // 60))


def idle_message() -> str:
    """What a person reads after the idle timeout (the page's timer shows it too)."""
    return ngettext(
        "You were signed out after %(num)d minute without activity.",
        "You were signed out after %(num)d minutes without activity.",
        idle_minutes(),
    )


def sign_in_instead():
    """A signed-out person asked for a page that needs an account: sign in, then come back.
    The same answer whether what they asked for exists or not."""
    if htmx:
        return unauthorized()
    if not g.get("signed_out_idle"):
        flash(_l("Sign in to see this page."), "info")
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


@login_manager.unauthorized_handler
def unauthorized():
    if htmx:
        # Keep the page (and any text being written) where it is; say what happened.
        return (
            str(_l("You are signed out. Sign in again in another tab, then try again.")),
            401,
        )
    if request.method == "POST":
        # A form sent after the session ended (no JavaScript): what was typed comes back,
        # rather than a redirect that drops it.
        from app.errors import error_page, typed_values

        typed = typed_values()
        if typed:
            detail = _l("You were signed out. Copy your text, or sign in again in another tab.")
            return error_page(401, typed, detail)
    if not g.get("signed_out_idle"):
        flash(_l("Please sign in to continue."), "info")
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def open_account_session(user: User, now: datetime) -> str:
    """A new session row for this account; the token (returned) goes only into the cookie."""
    token = new_token()
    db.session.add(
        AccountSession(
            user_id=user.id, token_hash=token_digest(token), created_at=now, last_seen_at=now
        )
    )
    return token


def close_account_sessions(user: User, *, keep: str | None = None) -> None:
    """End every session of this account (all but the one whose token is `keep`)."""
    query = delete(AccountSession).where(AccountSession.user_id == user.id)
    if keep:
        query = query.where(AccountSession.token_hash != token_digest(keep))
    db.session.execute(query)


def purge_idle_sessions(now: datetime) -> None:
    """Delete sessions idle for longer than the timeout (they can never be used again)."""
    cutoff = now - current_app.config["IDLE_TIMEOUT"]
    db.session.execute(delete(AccountSession).where(AccountSession.last_seen_at < cutoff))


def start_session(user: User, secret: bytes | None = None) -> None:
    """A fresh session for a fresh sign-in: nothing from before is carried over.

    `secret`, if given, is what the password unlocked (a focal point's private key): it is
    kept for this session only, locked under a random key that goes into the cookie.
    The caller commits, so the new session row exists before the cookie is used.
    """
    # The account's language is where a new sign-in starts; after that, this browser keeps
    # its own choice (app.i18n.select_locale), so another device's choice never changes it.
    if user.locale in current_app.config["LANGUAGES"]:
        locale = user.locale
    else:
        locale = session.get("locale")
    _close_current()
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    login_user(user)
    # Flask-Login stores a hash of the client's address and browser; we keep neither.
    session.pop("_id", None)
    now = utcnow()
    purge_idle_sessions(now)
    session[SESSION_TOKEN] = open_account_session(user, now)
    db.session.flush()
    g.account_session = _row_of(session[SESSION_TOKEN])
    if secret is not None:
        keep_unlocked_secret(secret)


def _row_of(token: str) -> AccountSession | None:
    return db.session.scalar(
        select(AccountSession).where(AccountSession.token_hash == token_digest(token))
    )


def keep_unlocked_secret(secret: bytes, row: AccountSession | None = None) -> bool:
    """Keep a secret for the rest of this session: locked on the session row under a new
    random key that only the cookie holds. False when there is no session to keep it in."""
    row = row or g.get("account_session")
    if row is None:
        return False
    key = random_bytes(SecretBox.KEY_SIZE)
    row.unlocked_secret = bytes(SecretBox(key).encrypt(secret))
    session[UNLOCK_KEY] = base64.urlsafe_b64encode(key).decode()
    return True


def unlocked_secret() -> bytes | None:
    """The secret this session unlocked at sign-in, or None (signed out, idle, never)."""
    row = g.get("account_session")
    key = session.get(UNLOCK_KEY)
    if row is None or row.unlocked_secret is None or not isinstance(key, str):
        return None
    try:
        return SecretBox(base64.urlsafe_b64decode(key.encode())).decrypt(row.unlocked_secret)
    except (CryptoError, ValueError, TypeError, binascii.Error):
        return None


def end_session() -> None:
    """Sign out this browser: its session row is deleted (the caller commits)."""
    locale = session.get("locale")
    _close_current()
    g.pop("account_session", None)
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def _close_current() -> None:
    token = session.get(SESSION_TOKEN)
    if isinstance(token, str):
        db.session.execute(
            delete(AccountSession).where(AccountSession.token_hash == token_digest(token))
        )


def current_session_token() -> str | None:
    token = session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else None


def register_session_rules(app: Flask) -> None:
    login_manager.session_protection = None  # identity is the session row, not the address

    @app.before_request
    def enforce_idle_timeout():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        account_session = g.account_session
        now = utcnow()
        if now - account_session.last_seen_at > current_app.config["IDLE_TIMEOUT"]:
            end_session()
            db.session.commit()
            g.signed_out_idle = True
            if htmx:
                return unauthorized()
            flash(idle_message(), "info")
            return None
        active = current_app.view_functions.get(request.endpoint or "") not in _PASSIVE_VIEWS
        if active and now - account_session.last_seen_at >= TOUCH_EVERY:
            account_session.last_seen_at = now
            db.session.commit()
        return None

    @app.before_request
    def enforce_staff_two_factor():
        if request.endpoint in _ALLOWED_BEFORE_TWO_FACTOR or not current_user.is_authenticated:
            return None
        if current_user.needs_two_factor and not current_user.has_two_factor:
            if request.endpoint is None:
                return None
            flash(_l("Your role needs a second factor. Set it up to continue."), "info")
            return redirect(url_for("account.two_factor_setup"))
        return None
