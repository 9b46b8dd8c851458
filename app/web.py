"""Helpers shared by routes and templates: full pages or htmx fragments, redirects."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_htmx import make_response as htmx_response
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from app.extensions import htmx
from app.pagecache import page_cache


def wants_fragment() -> bool:
    """True when htmx asks for a part of a page (not a boosted full-page navigation)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, fragment: str | None = None, status: int = 200, **context) -> Response:
    """Render the whole page, or only the named block when htmx asks for it."""
    if fragment and wants_fragment():
        body = render_block(template, fragment, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def render_kept(
    template: str,
    fragment: str | None,
    scope: str,
    parts: tuple,
    context: Callable[[], dict],
    keep: Callable[[], bool] = lambda: True,
) -> Response:
    """Like `render`, but the page's title and content (or the htmx fragment) come from the
    page cache when a copy for the same key exists (see app/pagecache.py).

    `context` builds the template's context; it runs only when nothing is kept, and `keep`
    (asked after it) can refuse to keep what it rendered. Check permissions before calling
    this, or in `context` when the kept page is the same for everyone who may see it."""
    cache = page_cache()
    if cache is None:
        return render(template, fragment, **context())
    if fragment and wants_fragment():
        kept = cache.fetch(
            scope,
            (template, fragment, *parts),
            lambda: {"fragment": render_block(template, fragment, **context())},
            keep,
        )
        body = kept["fragment"]
    else:
        page: dict[str, str] = {}
        kept = cache.fetch(
            scope,
            (template, "page", *parts),
            lambda: _page_blocks(template, page, context()),
            keep,
        )
        body = page.get("html") or render_template("kept_page.html", kept=kept)
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


def _page_blocks(template: str, page: dict, context: dict) -> dict[str, str]:
    """Render the whole page once, with the title and content marked, and return those two
    blocks; the page itself (markers removed) goes into page["html"] for this request."""
    html = render_template(template, mark_kept_blocks=True, **context)
    blocks = {name: _between(html, f"<!--kept:{name}-->", f"<!--/kept:{name}-->") for name in KEPT}
    for name in KEPT:
        html = html.replace(f"<!--kept:{name}-->", "").replace(f"<!--/kept:{name}-->", "")
    page["html"] = html
    return blocks


KEPT = ("title", "content")


def _between(html: str, start: str, end: str) -> str:
    first = html.index(start) + len(start)
    return html[first : html.index(end, first)]


def render_fragment(template: str, fragment: str, **context) -> Response:
    """Only the named block, always: for endpoints that exist to be polled."""
    response = make_response(render_block(template, fragment, **context))
    response.vary.add("HX-Request")
    return response


def render_invalid(template: str, fragment: str | None = None, **context) -> Response:
    """A form that failed validation: 422 with the person's input and the errors."""
    return render(template, fragment, status=422, **context)


def go_to(url: str) -> BaseResponse:
    """After a successful change: HX-Redirect for htmx, 303 See Other otherwise."""
    if htmx:
        return htmx_response("", 204, redirect=url)
    return redirect(url, code=303)


def safe_next(target: str | None, default_endpoint: str = "main.home") -> str:
    """Only follow a 'next' that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for(default_endpoint)


@cache
def _file_version(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """A static file's URL with a content version, so it can be cached for a year."""
    return _static_url(current_app.static_folder, current_app.static_url_path, filename)


@cache
def _static_url(folder: str, prefix: str, filename: str) -> str:
    return f"{prefix}/{filename}?v={_file_version(str(Path(folder) / filename))}"


# htmx leaves no copies of pages in local storage, runs no foreign or inline code,
# swaps 422 (form errors), 409 (edit conflicts) and 429 (too many tries: the message says
# when to try again, and stays on the page) like successes, and keeps the page as it is on
# 304 (a poll that found nothing new).
HTMX_CONFIG = {
    "historyCacheSize": 0,
    "refreshOnHistoryMiss": True,
    "allowEval": False,
    "allowScriptTags": False,
    "selfRequestsOnly": True,
    "includeIndicatorStyles": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        # A poll answered "not modified" (the live board): keep what is shown.
        {"code": "304", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "422", "swap": True},
        {"code": "409", "swap": True},
        {"code": "429", "swap": True},
        {"code": "[45]..", "swap": False, "error": True},
    ],
}


def user_text(value, lang: str | None = None) -> Markup:
    """Text people wrote (a title, a name, a point on a board), isolated from the page's own
    direction: `<bdi>` finds the direction from the text, so "Do you recommend?" stays in
    order in an Arabic page. `lang` names the text's language when it is known."""
    if value is None or value == "":
        return Markup("")
    attribute = Markup(' lang="{}"').format(lang) if lang else ""
    return Markup("<bdi{}>{}</bdi>").format(attribute, value)


def id_addresses(endpoint: str, name: str, **values) -> Callable[[int], str]:
    """The address of `endpoint` for any id given as `name`, routed once: a table whose rows
    each link to their own object asks the router once, not once per row."""
    marker = 987654321
    address: str = url_for(endpoint, **{**values, name: marker})
    before, _, after = address.partition(str(marker))
    return lambda number: f"{before}{int(number)}{after}"


def user_attrs(lang: str | None = None) -> Markup:
    """Attributes for an element that holds people's text: its own direction and language."""
    if lang:
        return Markup(' lang="{}" dir="auto"').format(lang)
    return Markup(' dir="auto"')


_SIZE_UNITS = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")


def file_size(size: int | float) -> str:
    """A file size in binary units (1 MB = 1,024 KB), as limits are set (UPLOAD_MAX_BYTES is
    10 × 1,024 × 1,024 bytes: "10 MB", not Jinja's "10.5 MB"), with the unit in the reader's
    language."""
    from babel.units import format_unit
    from flask_babel import get_locale

    value, unit = float(size or 0), 0
    while value >= 1024 and unit < len(_SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return format_unit(
        value, _SIZE_UNITS[unit], length="short", format="#,##0.#", locale=str(get_locale())
    )


def register_template_helpers(app: Flask) -> None:
    from app.auth.sessions import idle_message, idle_minutes
    from app.db import split_codes
    from app.mail import mail_enabled
    from app.policy import may
    from app.reference import country_name, language_name_in_reader_language
    from app.text import render_markdown, render_public_markdown

    app.jinja_env.globals.update(
        static_url=static_url,
        may=may,
        mail_enabled=mail_enabled,
        user_attrs=user_attrs,
        idle_minutes=idle_minutes,
        idle_message=idle_message,
    )
    app.jinja_env.filters.update(
        bidi=user_text,
        # Every size on a page, in the same binary units (replaces Jinja's decimal one).
        filesizeformat=file_size,
        markdown=render_markdown,
        public_markdown=render_public_markdown,
        country_name=country_name,
        language_label=language_name_in_reader_language,
        split_codes=split_codes,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def request_context():
        return {"is_htmx": bool(htmx), "htmx_config": HTMX_CONFIG}

    app.after_request(swap_whole_pages_whole)


def swap_whole_pages_whole(response: Response) -> Response:
    """A whole page answered to an htmx request (a form's success page, an error page
    without a fragment) replaces the page's body instead of nesting inside the part that
    htmx aimed at: two headers, two footers, two quick-exit buttons never happen."""
    if not wants_fragment() or response.mimetype != "text/html":
        return response
    if response.direct_passthrough or response.is_streamed:
        return response
    if not response.get_data()[:64].lstrip().lower().startswith(b"<!doctype html"):
        return response
    response.headers["HX-Retarget"] = "body"
    response.headers["HX-Reswap"] = "innerHTML show:window:top"
    return response
