"""The menu and the footer's links of every page.

They are the same for everyone with the same rights who reads in the same language, so each
variant is rendered once and kept in the process (a few variants: visitor, member, and the
staff roles, per language). Nothing about a person and nothing from the database is kept:
the rights are asked on each request, and the rest of the page is rendered afresh."""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from app.main import bp
from app.policy import may


@bp.app_template_global()
def site_menu() -> Markup:
    signed_in = bool(current_user.is_authenticated)
    rights = (
        signed_in,
        signed_in and may(current_user, "admin.access"),
        signed_in and may(current_user, "safety.inbox"),
        signed_in and may(current_user, "verification.queue"),
    )
    return _rendered("_nav_items.html", str(get_locale()), request.script_root, rights)


@bp.app_template_global()
def site_footer_links() -> Markup:
    return _rendered("_footer_items.html", str(get_locale()), request.script_root, ())


@lru_cache(maxsize=256)
def _rendered(template: str, _locale: str, _root: str, rights: tuple[bool, ...]) -> Markup:
    names = ("signed_in", "admin", "safety", "verification")
    return Markup(render_template(template, **dict(zip(names, rights, strict=False))))


@bp.app_template_global()
def language_options() -> Markup:
    """The `<option>`s of the footer's language menu, the reader's language selected."""
    return _language_options(str(get_locale()), tuple(current_app.config["LANGUAGES"]))


@lru_cache(maxsize=64)
def _language_options(current: str, codes: tuple[str, ...]) -> Markup:
    from app.i18n import LANGUAGE_NAMES

    options = (
        f'<option value="{code}" lang="{code.replace("_", "-")}"'
        f"{' selected' if code == current else ''}>{escape(LANGUAGE_NAMES[code])}</option>"
        for code in codes
    )
    return Markup("".join(options))
