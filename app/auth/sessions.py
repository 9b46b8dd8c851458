"""Who is signed in: session identity, idle timeout, and the staff second-factor rule."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from app.auth.models import User
from app.extensions import db, htmx, login_manager

# Views that do not count as activity (polling), and do not extend the idle timer.
_PASSIVE_VIEWS: set[Callable] = set()
# Endpoints a staff account without a second factor may still reach.
_ALLOWED_BEFORE_TWO_FACTOR = {
    "static",
    "auth.sign_out",
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


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None  # signed out everywhere, or the password changed
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if htmx:
        # Keep the page (and any text being written) where it is; say what happened.
        return (
            str(_l("You are signed out. Sign in again in another tab, then try again.")),
            401,
        )
    flash(_l("Please sign in to continue."), "info")
    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def start_session(user: User) -> None:
    """A fresh session for a fresh sign-in: nothing from before is carried over."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    login_user(user)
    session["seen"] = int(time.time())


def end_session() -> None:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale


def register_session_rules(app: Flask) -> None:
    login_manager.session_protection = None  # identity is the session version, not the IP

    @app.before_request
    def enforce_idle_timeout():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = int(time.time())
        seen = session.get("seen", 0)
        if now - seen > current_app.config["IDLE_TIMEOUT"].total_seconds():
            end_session()
            g.signed_out_idle = True
            if htmx:
                return unauthorized()
            flash(_l("You were signed out after a while without activity."), "info")
            return None
        if current_app.view_functions.get(request.endpoint) not in _PASSIVE_VIEWS:
            session["seen"] = now
        return None

    @app.before_request
    def enforce_staff_two_factor():
        if not current_user.is_authenticated or request.endpoint in _ALLOWED_BEFORE_TWO_FACTOR:
            return None
        if current_user.needs_two_factor and not current_user.has_two_factor:
            if request.endpoint is None:
                return None
            flash(_l("Your role needs a second factor. Set it up to continue."), "info")
            return redirect(url_for("account.two_factor_setup"))
        return None
