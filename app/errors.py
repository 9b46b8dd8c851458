"""Error pages: translated, plain, and without internals."""

from __future__ import annotations

import contextlib
import logging
import math

from flask import Flask, g, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.extensions import db, login_manager
from app.i18n import lazy_gettext as _l
from app.i18n import ngettext
from app.ratelimits import seconds_until_retry
from app.web import render

ERRORS = {
    400: (_l("Something in this request was wrong"), _l("Go back and try again.")),
    401: (_l("Please sign in"), _l("Sign in, then try again.")),
    403: (
        _l("You may not do this"),
        _l("Your account does not have access to this page. Ask the people who run it."),
    ),
    404: (
        _l("We cannot find this page"),
        _l("The link may be broken or the page was removed. Start again from the home page."),
    ),
    405: (_l("Something in this request was wrong"), _l("Go back and try again.")),
    409: (
        _l("This changed while you were working"),
        _l("Reload the page to see the latest version, then try again."),
    ),
    410: (_l("This link has expired"), _l("Ask for a new link.")),
    413: (
        _l("This file is too large"),
        _l("Choose a smaller file, or make it smaller, then send it again."),
    ),
    429: (
        _l("Too many tries"),
        _l("Please wait a few minutes, then try again."),
    ),
    503: (
        _l("The site is busy"),
        _l("Nothing was lost. Please try again in a moment."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Your last change may not be saved. Please try again in a moment."),
    ),
}

# 413 for a form without files: its text is larger than any request may be.
TOO_MUCH_TEXT = (_l("This text is too long"), _l("Make it shorter, then send it again."))

log = logging.getLogger(__name__)

# A form that could not be done because the database failed: what was typed comes back.
NOT_DONE_TYPED = _l(
    "Nothing of this was saved. What you typed is below: copy it, then try again in a moment."
)

# Form fields never shown back after an expired form: secrets stay secret.
_SECRET_FIELDS = ("password", "csrf_token", "code", "token")


def typed_values() -> list[tuple[str, str]]:
    """What the person typed into a form that could not be accepted, to copy it back."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if value.strip() and not any(secret in name for secret in _SECRET_FIELDS)
    ]


def error_page(code: int, typed: list[tuple[str, str]] | None = None, detail=None, advice=None):
    if code == 413 and request.mimetype != "multipart/form-data":
        title, general_advice = TOO_MUCH_TEXT
    else:
        title, general_advice = ERRORS.get(code, ERRORS[500])
    return render(
        "errors/error.html",
        "error",
        status=code,
        code=code,
        title=title,
        advice=advice or general_advice,
        detail=detail,
        typed=typed or [],
    )


def too_many_tries_page():
    """Say when the limit ends, and give back what was typed (a report, say), as 429."""
    seconds = seconds_until_retry()
    advice = None
    if seconds is not None:
        minutes = max(1, math.ceil(seconds / 60))
        advice = ngettext("Try again in %(num)d minute.", "Try again in %(num)d minutes.", minutes)
    response = error_page(429, typed_values(), advice=advice)
    if seconds is not None:
        response.headers["Retry-After"] = str(seconds)
    return response


def database_error_page(code: int = 503):
    """The error page when the database failed: rendered without it. The account is not
    looked up (the page shows as for a visitor), nothing is read, and what was typed into a
    form comes back."""
    g.database_failed = True
    with contextlib.suppress(Exception):
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()
    g.pop("account_session", None)
    typed = typed_values()
    response = error_page(code, typed, NOT_DONE_TYPED if typed else None)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Retry-After"] = "5"
    return response


def server_error_page(code: int):
    if g.get("database_failed"):
        return database_error_page(code)
    try:
        return error_page(code, typed_values())
    except Exception:  # the page itself failed (the database, mostly): the plain one
        log.exception("the error page failed; showing it without the database")
        return database_error_page(code)


# Public pages: what they show is for everyone, so one that is not public (an unpublished
# consultation, an unlisted or pending organization) is simply "not found", for visitors
# as for anyone else; signing in would not be the way to it for most people.
PUBLIC_PAGES = frozenset(
    {
        "static",
        "consultations.view",
        "consultations.participants",
        "consultations.document",
        "organizations.profile",
        "sessions.view",
        "sessions.calendar_file",
        "outcomes.page",
        "outcomes.document_file",
        "outcomes.export",
        "compilations.index",
    }
)
# Whole areas that only ever show public editions (reading pages, the open-data API).
PUBLIC_AREAS = frozenset({"reading", "api"})


def _signed_out_on_a_known_page() -> bool:
    """A signed-out person opened a page of this site's work (a submission, an editor, a
    board, a download) that they may not see as they are: they are asked to sign in,
    whether the id in the address exists or not, so that visitors learn nothing from the
    answer. Unknown addresses and public pages stay "not found"; signed-in people still get
    403 and 404."""
    from flask_login import current_user

    return (
        request.method == "GET"
        and request.url_rule is not None
        and request.endpoint not in PUBLIC_PAGES
        and request.blueprint not in PUBLIC_AREAS
        and not current_user.is_authenticated
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        log.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
        return database_error_page(503)

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        detail = _l(
            "This form had expired. Your text is below: copy it, reload the page, "
            "and send it again."
        )
        response = error_page(400, typed_values(), detail)
        response.headers["X-CSRF-Error"] = "1"  # the editor fetches a fresh token and retries
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            # Flask has logged any exception already; the page keeps what was typed.
            with contextlib.suppress(Exception):
                db.session.rollback()
            return server_error_page(503 if error.code == 503 else 500)
        if error.code == 429:
            return too_many_tries_page()
        if error.code in (401, 403, 404) and _signed_out_on_a_known_page():
            from app.auth.sessions import sign_in_instead

            return sign_in_instead()
        return error_page(error.code if error.code in ERRORS else 400)
