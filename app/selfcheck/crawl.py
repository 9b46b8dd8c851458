"""Walk every page, fragment and file a person can reach, and find canaries out of place.

The walk is the same in the test suite (through Flask's test client) and against a running
instance (through HTTP, scripts/canary_crawl.py): both pass a `fetch` function.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from app.selfcheck.canaries import Rule


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes
    headers: dict = field(default_factory=dict)


# fetch(path, htmx) -> Fetched. `htmx` asks for the fragment a page gives to htmx.
Fetch = Callable[[str, bool], Fetched]

# Never followed: leaving, signing out, and links that are used up when opened.
SKIPPED = ("/static/", "/sign-out", "/quick-exit", "/confirm-email/", "/set-language")
_LINK = re.compile(r'(?:href|hx-get|src|action)="(/[^"#]*)"')


@dataclass
class Page:
    url: str
    status: int
    text: str


def links(markup: str) -> list[str]:
    """Same-site addresses in a page: links, htmx requests, sources."""
    found = []
    for raw in _LINK.findall(markup):
        url = html.unescape(raw)
        if not url.startswith(SKIPPED) and not url.startswith("//"):
            found.append(url)
    return found


def shape(url: str) -> str:
    """The kind of page an address is: ids and the query left out."""
    return re.sub(r"/\d+", "/N", urlsplit(url).path)


def readable(fetched: Fetched) -> str:
    """Everything a person could read in a response, files included, as text."""
    body = fetched.body
    if body.startswith((b"%PDF-", b"PK\x03\x04")):
        return _file_text(hashlib.sha256(body).hexdigest(), body)
    return body.decode("utf-8", "replace")


@lru_cache(maxsize=64)
def _file_text(_digest: str, body: bytes) -> str:
    """Files are read once per process, whoever downloads them (they are the same bytes)."""
    return _pdf_text(body) if body.startswith(b"%PDF-") else _zip_text(body)


def _pdf_text(body: bytes) -> str:
    import pikepdf

    parts = []
    try:
        import pypdf  # the page text; without it, only metadata and raw streams are read

        parts += [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages]
    except ImportError:
        pass
    with pikepdf.open(io.BytesIO(body)) as pdf:
        parts.append(str(dict(pdf.docinfo)))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:
                    continue
    return "\n".join(parts)


def _zip_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if archive.getinfo(name).file_size < 20_000_000
        )


def crawl(fetch: Fetch, seeds: list[str], *, limit: int = 500, per_shape: int = 4) -> list[Page]:
    """Breadth first from the seeds; at most `per_shape` addresses of each kind of page.
    Each HTML page is also asked for as htmx would, once per kind of page."""
    queue, seen, pages = deque(seeds), set(), list[Page]()
    per_kind: Counter[str] = Counter()
    fragments_asked: set[str] = set()
    while queue and len(pages) < limit:
        url = queue.popleft()
        kind = shape(url)
        if url in seen or (per_kind[kind] >= per_shape and url not in seeds):
            continue
        seen.add(url)
        per_kind[kind] += 1
        fetched = fetch(url, False)
        text = readable(fetched)
        pages.append(Page(url, fetched.status, text))
        if "html" in fetched.content_type:
            queue.extend(links(text))
            if kind not in fragments_asked:
                fragments_asked.add(kind)
                fragment = fetch(url, True)
                pages.append(Page(url + " (htmx)", fragment.status, readable(fragment)))
    return pages


def leaks(pages: list[Page], rules: list[Rule], persona: str) -> list[str]:
    """Each canary found where this persona must not see it, with where it was."""
    found = []
    for page in pages:
        for rule in rules:
            if persona in rule.allowed or rule.canary not in page.text:
                continue
            if rule.alongside and not any(marker in page.text for marker in rule.alongside):
                continue
            found.append(f"{persona} sees {rule.canary!r} at {page.url}")
    return found
