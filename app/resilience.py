"""Requests that survive a database restart.

The engine checks each pooled connection before use (`pool_pre_ping`), so connections that
died while idle (PostgreSQL restarted, `pg_terminate_backend`) are replaced unnoticed. A
connection that dies *during* a request raises an error whose `connection_invalidated` is
set; such a request is run once more on a fresh connection when that is safe:

- a GET or HEAD request (they change nothing that matters twice: at most the idle timer);
- any request that failed before its view began (signing in the cookie's session, the idle
  timer): nothing of what it asked for was done yet.

Anything else ends on the error page of `app.errors`, which needs no database.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, g, request
from sqlalchemy.exc import DBAPIError

from app.extensions import db

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD")


def retry_safe(error: BaseException) -> bool:
    """A lost connection, met where running the request again changes nothing twice."""
    if not isinstance(error, DBAPIError) or not error.connection_invalidated:
        return False
    if g.get("_database_retried"):
        return False
    return request.method in SAFE_METHODS or not g.get("_view_started")


def forget_request_state() -> None:
    """Before running a request again: no half-done transaction, and the signed-in account
    and its session row are read again on the new connection."""
    with contextlib.suppress(Exception):
        db.session.rollback()
    for name in ("_login_user", "account_session", "_view_started"):
        g.pop(name, None)


class ResilientFlask(Flask):
    def dispatch_request(self):
        g._view_started = True
        return super().dispatch_request()

    def handle_user_exception(self, e):
        if not retry_safe(e):
            return super().handle_user_exception(e)
        log.warning("database connection lost during a request; running it again")
        g._database_retried = True
        forget_request_state()
        try:
            response = self.preprocess_request()
            if response is None:
                response = self.dispatch_request()
            return response
        except Exception as again:
            return super().handle_user_exception(again)
