"""User text rendered safely: Markdown to a small set of HTML, nothing that loads or runs."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in Markdown is off; nh3 removes anything else that slips through.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.disable("image")  # an image would load from another host

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> Markup:
    html = _markdown.render(text or "")
    # Headings in user text start below the page's own h1/h2.
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # Each block finds its own direction: an English paragraph in an Arabic text (or page)
    # keeps its words and punctuation in order.
    return Markup(_BLOCKS.sub(r'<\1 dir="auto">', clean))


_BLOCKS = re.compile(r"<(p|li|blockquote|h[3-6]|pre)>")


@lru_cache(maxsize=64)
def render_public_markdown(text: str | None) -> Markup:
    """`render_markdown` of a text that every visitor of a page reads (a consultation's
    description), rendered once per worker rather than on each view. Only for such texts:
    a draft's text is never kept in a worker's memory after its request."""
    return render_markdown(text)


def word_count(text: str | None) -> int:
    return len(re.findall(r"\S+", text or ""))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
