"""Home, health, language choice and the pages every visitor can read."""

from __future__ import annotations

from flask import current_app, jsonify, request, session
from flask_login import current_user
from sqlalchemy import text

from app.extensions import db
from app.main import bp
from app.web import go_to, render, safe_next


@bp.get("/")
def home():
    return render("main/home.html")


@bp.get("/privacy")
def privacy():
    return render("main/privacy.html")


@bp.post("/language")
def set_language():
    code = request.form.get("locale", "")
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return go_to(safe_next(request.form.get("next")))


@bp.get("/csrf-token")
def csrf_token():
    """A fresh form token for this session, for pages open since before a new sign-in."""
    from flask_wtf.csrf import generate_csrf

    response = jsonify({"token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    database = _check_database()
    queue = _check_queue()
    healthy = database == "ok" and queue in {"ok", "in-process"}
    body = {"status": "ok" if healthy else "degraded", "database": database, "queue": queue}
    return jsonify(body), 200 if healthy else 503


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        db.session.rollback()
        return "error"


def _check_queue() -> str:
    if not current_app.config["REDIS_URL"]:
        return "in-process"
    try:
        from app.jobs import rq_queue

        rq_queue().connection.ping()
        return "ok"
    except Exception:
        return "error"
