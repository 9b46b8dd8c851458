"""Comments anchored to a passage of a section, found again after edits and merges.

A comment keeps the passage it is about as a W3C Web Annotation TextQuoteSelector: the exact
words, up to `CONTEXT` characters before them (prefix) and after them (suffix). Texts change
after the comment is written (edits, merges), so offsets would soon point elsewhere; the
passage is found again each time the section is shown:

1. the exact words with their context around them;
2. the exact words alone; when they occur more than once, the occurrence whose surroundings
   agree most with the context;
3. a close match (a few words changed), seeded by pieces of the quote found exactly and
   measured with difflib, accepted above `FUZZY_THRESHOLD`.

When none is found the passage has changed: the comment says so and shows the quote as it was.
Highlights are server-rendered `<mark>` elements, with every piece of user text escaped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

import nh3
from markupsafe import Markup, escape

from app.text import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, render_markdown

CONTEXT = 32
MAX_QUOTE = 1000
# How close a changed passage must still be to the quote (difflib's ratio, 0 to 1).
FUZZY_THRESHOLD = 0.75
# Occurrences looked at: enough for any real text, bounded for a hostile one.
MAX_OCCURRENCES = 200
MAX_CANDIDATES = 8
# Of those, how many are measured closely (the likeliest by their words).
MEASURED = 2


@dataclass(frozen=True)
class Selector:
    exact: str
    prefix: str = ""
    suffix: str = ""


def selector_at(text: str, start: int, end: int) -> Selector:
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def normalize_quote(quote: str | None) -> str:
    return (quote or "").replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_QUOTE]


def anchor_quote(text: str, quote: str, start_hint: int | None = None) -> Selector | None:
    """The selector of a quoted passage of `text` (the revision the person read), or None
    when the words are not in it. `start_hint` is where the browser saw the selection start;
    it picks the right one of repeated words, and is checked, never trusted."""
    quote = normalize_quote(quote)
    if not quote or not text:
        return None
    if start_hint is not None and start_hint >= 0 and text[start_hint:].startswith(quote):
        return selector_at(text, start_hint, start_hint + len(quote))
    found = locate(text, Selector(quote))
    return selector_at(text, *found) if found else None


def locate(text: str, selector: Selector) -> tuple[int, int] | None:
    """Where the selector's passage is in `text` now: (start, end), or None."""
    exact = selector.exact
    if not exact or not text:
        return None
    if selector.prefix or selector.suffix:
        at = text.find(selector.prefix + exact + selector.suffix)
        if at >= 0:
            start = at + len(selector.prefix)
            return start, start + len(exact)
    starts = _occurrences(text, exact)
    if starts:
        best = max(starts, key=lambda s: (_context_score(text, s, s + len(exact), selector), -s))
        return best, best + len(exact)
    return _fuzzy(text, selector)


def _occurrences(text: str, part: str) -> list[int]:
    found: list[int] = []
    at = text.find(part)
    while at >= 0 and len(found) < MAX_OCCURRENCES:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context_score(text: str, start: int, end: int, selector: Selector) -> int:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return _common_prefix(before[::-1], selector.prefix[::-1]) + _common_prefix(
        after, selector.suffix
    )


def _fuzzy(text: str, selector: Selector) -> tuple[int, int] | None:
    """A close match: pieces of the quote found exactly vote for where it starts; the best
    few places are measured with difflib."""
    exact = selector.exact
    size = len(exact)
    if size < 8:
        return None  # too short to tell a changed passage from another one
    piece = max(4, min(16, size // 4))
    votes: Counter[int] = Counter()
    for offset in range(0, size - piece + 1, piece):
        for at in _occurrences(text, exact[offset : offset + piece])[:20]:
            votes[at - offset] += 1
    wanted = _TOKEN.findall(exact)
    wanted_size = sum(len(t) for t in wanted)
    if not wanted:
        return None
    # Places next to each other are one place; the likeliest few by their words are measured.
    places: list[tuple[float, int, list]] = []
    taken: list[int] = []
    for guess, _count in votes.most_common(MAX_CANDIDATES * 4):
        if any(abs(guess - other) < size // 4 + 1 for other in taken):
            continue
        taken.append(guess)
        low = max(0, guess - size // 2)
        high = min(len(text), guess + size + size // 2)
        # Compared word by word, spaces left out: as good as by characters for prose, and
        # dozens of times faster on a long quote.
        found = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, low, high)]
        matcher = SequenceMatcher(None, [t for _, _, t in found], wanted, autojunk=False)
        places.append((matcher.quick_ratio(), guess, found))
        if len(taken) >= MAX_CANDIDATES:
            break
    best: tuple[float, int, int, int] | None = None
    for _quick, _guess, found in sorted(places, key=lambda p: (-p[0], p[1]))[:MEASURED]:
        matcher = SequenceMatcher(None, [t for _, _, t in found], wanted, autojunk=False)
        blocks = _trimmed([b for b in matcher.get_matching_blocks() if b.size])
        if not blocks:
            continue
        first, last = blocks[0].a, blocks[-1].a + blocks[-1].size - 1
        start, end = found[first][0], found[last][1]
        matched = sum(len(t) for b in blocks for _, _, t in found[b.a : b.a + b.size])
        spanned = sum(len(t) for _, _, t in found[first : last + 1])
        ratio = 2 * matched / (wanted_size + spanned)
        if ratio < FUZZY_THRESHOLD:
            continue
        key = (ratio, _context_score(text, start, end, selector), -start, end)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    return -best[2], best[3]


def _trimmed(blocks: list) -> list:
    """Without a stray word or two matched far before or after the rest of the passage."""

    def stray(edge, other) -> bool:
        return edge.size <= 2 and abs((other.a - edge.a) - (other.b - edge.b)) > 2

    while len(blocks) > 1 and stray(blocks[0], blocks[1]):
        blocks = blocks[1:]
    while len(blocks) > 1 and stray(blocks[-1], blocks[-2]):
        blocks = blocks[:-1]
    return blocks


_TOKEN = re.compile(r"\w+|[^\w\s]")


# --- Showing passages -------------------------------------------------------------------------


@dataclass
class Placed:
    """A comment's passage as found in the current text (start None: the passage changed)."""

    comment_id: int
    start: int | None
    end: int | None

    @property
    def found(self) -> bool:
        return self.start is not None


def place(text: str, comments) -> dict[int, Placed]:
    """Each quoting comment's passage in the current text, by comment id."""
    placed = {}
    for comment in comments:
        if not comment.quote:
            continue
        selector = Selector(comment.quote, comment.quote_prefix or "", comment.quote_suffix or "")
        found = locate(text, selector)
        placed[comment.id] = Placed(comment.id, *(found or (None, None)))
    return placed


def _segments(text: str, placed: list[Placed]) -> list[tuple[int, int, int | None]]:
    """Cut the text where passages start and end: (start, end, id of the mark that starts a
    passage here or None) for each marked piece, in order."""
    spans = sorted(
        (p.start, p.end, p.comment_id)
        for p in placed
        if p.start is not None and p.end is not None and p.end > p.start
    )
    if not spans:
        return []
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    starting: dict[int, int] = {}
    for s, _, comment_id in spans:
        starting.setdefault(s, comment_id)
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if any(s <= a and b <= e for s, e, _ in spans):
            pieces.append((a, b, starting.get(a)))
    return pieces


def mark_ids(placed: dict[int, Placed]) -> dict[int, str]:
    """The id of the highlight each found comment links to (comments on the same start share
    the first one's)."""
    first: dict[int, int] = {}
    for p in sorted(placed.values(), key=lambda p: (p.start or 0, p.comment_id)):
        if p.start is not None and p.end is not None and p.end > p.start:
            first.setdefault(p.start, p.comment_id)
    return {
        p.comment_id: f"passage-{first[p.start]}"
        for p in placed.values()
        if p.found and p.start in first
    }


def _open_tag(comment_id: int | None) -> Markup:
    if comment_id is None:
        return Markup('<mark class="passage">')
    return Markup('<mark class="passage" id="passage-{}">').format(int(comment_id))


_CLOSE = Markup("</mark>")


def highlight_plain(text: str, placed: dict[int, Placed]) -> Markup:
    """The text as it is typed, every piece escaped, with the passages marked."""
    pieces = _segments(text, list(placed.values()))
    out, at = [], 0
    for a, b, comment_id in pieces:
        out.append(escape(text[at:a]))
        out.append(_open_tag(comment_id) + escape(text[a:b]) + _CLOSE)
        at = b
    out.append(escape(text[at:]))
    return Markup("").join(out)


_OPEN_SIGN, _CLOSE_SIGN = "\ue000", "\ue001"  # private-use characters, taken out of the text
_BLOCK_START = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+|>[ \t]?)*")


def highlight_markdown(text: str, placed: dict[int, Placed]) -> Markup:
    """The text rendered from Markdown, with the passages marked; when a mark would break the
    Markdown (a passage ending inside a link, say) the plain text is shown marked instead."""
    text = text.replace(_OPEN_SIGN, "").replace(_CLOSE_SIGN, "")
    pieces = []
    for a, b, comment_id in _segments(text, list(placed.values())):
        # A mark stays within a line, and after a line's list or heading sign.
        line_start = a
        for line in text[a:b].split("\n"):
            start, end = line_start, line_start + len(line)
            if start == 0 or text[start - 1] == "\n":
                signs = _BLOCK_START.match(text, start, end)
                if signs:  # always: the pattern matches an empty string too
                    start = signs.end()
            if end > start:
                pieces.append((start, end, comment_id))
                comment_id = None
            line_start = end + 1
    if not pieces:
        return render_markdown(text)
    signed, at = [], 0
    for a, b, _ in pieces:
        signed += [text[at:a], _OPEN_SIGN, text[a:b], _CLOSE_SIGN]
        at = b
    signed.append(text[at:])
    html = str(render_markdown("".join(signed)))
    opens, closes = html.split(_OPEN_SIGN), html.count(_CLOSE_SIGN)
    if len(opens) - 1 != len(pieces) or closes != len(pieces):
        return Markup('<div class="annotated">') + highlight_plain(text, placed) + Markup("</div>")
    out = [opens[0]]
    for (_, _, comment_id), rest in zip(pieces, opens[1:], strict=True):
        out += [str(_open_tag(comment_id)), rest]
    html = "".join(out).replace(_CLOSE_SIGN, str(_CLOSE))
    # Cleaned again: a mark across bold or a link is re-nested, and only marks are added.
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS | {"mark"},
            attributes={**ALLOWED_ATTRIBUTES, "mark": {"id", "class"}},
            url_schemes=ALLOWED_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )
