"""The application factory."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import BASE_DIR, INSTANCE_DIR, Config


def create_app(config: Config | None = None) -> Flask:
    from app.resilience import ResilientFlask

    app = ResilientFlask(__name__, instance_path=str(INSTANCE_DIR), instance_relative_config=False)
    app.config.from_object(config or Config())
    register_proxy(app)
    register_extensions(app)
    register_database_pragmas(app)
    register_security(app)
    register_languages(app)
    register_sessions(app)
    register_templates(app)
    register_input_rules(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    return app


def register_proxy(app: Flask) -> None:
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (the whole schema, before anything maps it)
    from app.extensions import babel, csrf, db, htmx, limiter, login_manager
    from app.i18n import select_locale, select_timezone
    from app.pagecache import init_page_cache
    from app.ratelimits import configure_rate_limit_storage

    db.init_app(app)
    register_migrations(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    csrf.init_app(app)
    login_manager.init_app(app)
    htmx.init_app(app)
    configure_rate_limit_storage(app)
    limiter.init_app(app)
    init_page_cache(app)


def register_migrations(app: Flask) -> None:
    """The `flask db` commands (Flask-Migrate). Only the command line and the tests use them:
    a web server never imports alembic, which would cost each worker about 11 MB."""
    # Flask's command line sets FLASK_RUN_FROM_CLI before it loads the app.
    if not (app.testing or os.environ.get("FLASK_RUN_FROM_CLI") == "true"):
        return
    from flask_migrate import Migrate

    from app.db import render_migration_item
    from app.extensions import db
    from app.reading.models import include_in_schema_comparison

    Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item).init_app(
        app, db, directory=str(BASE_DIR / "migrations"), include_name=include_in_schema_comparison
    )


def register_database_pragmas(app: Flask) -> None:
    from app.database import configure_engine_events, end_read_only_transaction

    with app.app_context():
        configure_engine_events()
    # Registered after Flask-SQLAlchemy's own teardown, so it runs before it (in reverse).
    app.teardown_appcontext(end_read_only_transaction)


def register_security(app: Flask) -> None:
    from app.compression import register_compression
    from app.security import register_security_headers, silence_access_logs

    register_compression(app)
    register_security_headers(app)
    silence_access_logs()


def register_languages(app: Flask) -> None:
    from app.i18n import register_i18n

    register_i18n(app)


def register_sessions(app: Flask) -> None:
    from app.auth.sessions import register_session_rules

    register_session_rules(app)


def register_templates(app: Flask) -> None:
    from app.web import register_template_helpers

    register_template_helpers(app)


def register_input_rules(app: Flask) -> None:
    from app.inputs import apply_input_rules

    apply_input_rules(app)


def register_blueprints(app: Flask) -> None:
    from app.account import bp as account_bp
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.compilations import bp as compilations_bp
    from app.consultations import bp as consultations_bp
    from app.main import bp as main_bp
    from app.moderation import bp as moderation_bp
    from app.notifications import bp as notifications_bp
    from app.organizations import bp as organizations_bp
    from app.outcomes import bp as outcomes_bp
    from app.reading import bp as reading_bp
    from app.safeguarding import bp as safeguarding_bp
    from app.sessions import bp as sessions_bp
    from app.submission_translations import bp as translations_bp
    from app.submissions import bp as submissions_bp

    for blueprint in (
        main_bp,
        auth_bp,
        account_bp,
        organizations_bp,
        notifications_bp,
        consultations_bp,
        submissions_bp,
        translations_bp,
        compilations_bp,
        outcomes_bp,
        reading_bp,
        sessions_bp,
        moderation_bp,
        safeguarding_bp,
        admin_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)


def register_errors(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
