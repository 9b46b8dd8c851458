"""Rendered parts of busy read-only pages, kept for a few seconds.

The consultation list and a consultation's page are read by many visitors and change
rarely; the facilitator dashboard is reloaded often. Rendering them costs tens of
milliseconds; a kept copy costs a lookup. Safety comes first, so:

- Only the page's own blocks are kept (its title and content, or the htmx fragment). The
  layout around them (who is signed in, messages, the CSRF token) is rendered for every
  request, and any CSRF token inside a kept block is swapped for the requester's own.
- Visitor pages are kept only for people who are not signed in and are the same for all of
  them; pages for signed-in staff are kept per person. The language, the time zone, the
  page with its filters and the fragment asked for are all part of the key.
- Permission checks for signed-in people run on every request, before the cache is asked.
  Visitors all have the same permissions, checked when a page is rendered; a change to
  what they may see (a consultation unpublished) drops every kept visitor page.
- Every committed change bumps a generation number, and a copy made under an older
  generation is not used, so a change shows on the next request (an organization that
  becomes unlisted disappears at once). Changes to data that no kept page shows (texts
  being drafted, notifications, audit events) leave visitor pages alone. Time alone (a
  deadline passing) shows within PAGE_CACHE_SECONDS.

With Redis (REDIS_URL) the copies and generations are shared by every process; without it
each process keeps its own and sees only its own changes at once, which is right for the
single-process `make run` and good enough (PAGE_CACHE_SECONDS old at most) otherwise.

Why two small stores here and not Flask-Caching's backends (cachelib)? Measured 2026-12 on
this machine, a kept 20 KB block with its generation: MemoryStore.lookup 8.8 us against
cachelib's SimpleCache.get_many 34 us; over Redis both are one round trip (about the same).
The reasons that decide it are others: cachelib's RedisCache stores pickles, so anyone who
can write to the Redis could run code in every web process, while these stores keep only
strings; and SimpleCache says of itself that it is not fully thread safe (we run threads
under gunicorn's gthread), pickles every value, and drops old entries by expiry once over
its threshold rather than the least recently used.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import cast

from flask import Flask, current_app, has_app_context
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import flushed_tables, written_table

PUBLIC, STAFF = "public", "staff"
CSRF_SLOT = "\x00csrf\x00"

# Tables that no kept page shows: changing them bumps no generation.
NEVER_SHOWN = {
    "account_sessions",
    "account_tokens",
    "audit_events",
    "coauthor_links",
    "comments",
    "contributions",
    "deadline_reminders",
    "compilation_downloads",
    "editing_presence",
    "flags",
    "instance_focal_points",
    "invitations",
    "jobs",
    "join_requests",
    "memberships",
    "notifications",
    "outbox",
    "phase_notices",
    "recovery_codes",
    "revisions",
    "safety_messages",
    "safety_reports",
    "sign_offs",
    "speaking_requests",
    "users",
}
# Shown on the dashboard, never to visitors: drafting bumps only the staff generation.
STAFF_ONLY = {"submissions", "sections", "section_objectives", "coauthors", "attachments"}


class MemoryStore:
    """Per-process copies with an expiry, the oldest dropped first beyond `size` (a kept
    page is 10 to 30 kB, so at most about 30 MB per process)."""

    def __init__(self, size: int = 1000, clock: Callable[[], float] = time.monotonic):
        self.size, self.clock = size, clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] <= self.clock():
                return None
            return item[1]

    def lookup(self, key: str, scope: str) -> tuple[str | None, int]:
        return self.get(key), self.generation(scope)

    def put(self, key: str, value: str, seconds: int) -> None:
        with self._lock:
            self._items[key] = (self.clock() + seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def generation(self, scope: str) -> int:
        return self._generations.get(scope, 0)

    def bump(self, scopes: set[str]) -> None:
        with self._lock:
            for scope in scopes:
                self._generations[scope] = self._generations.get(scope, 0) + 1


class RedisStore:
    """Copies and generations in Redis, shared by every web process and worker."""

    def __init__(self, url: str, namespace: str):
        from redis import Redis

        self.redis = Redis.from_url(url, socket_timeout=0.5)
        self.prefix = f"gcm:pages:{namespace}:"

    def get(self, key: str) -> str | None:
        value = cast(bytes | None, self.redis.get(self.prefix + key))  # not decoded by Redis
        return value.decode() if value is not None else None

    def lookup(self, key: str, scope: str) -> tuple[str | None, int]:
        """The copy and the scope's generation in one round trip."""
        value, generation = self.redis.mget(self.prefix + key, self.prefix + "generation:" + scope)
        value = cast(bytes | None, value)  # not decoded by Redis
        return (value.decode() if value is not None else None), int(generation or 0)

    def put(self, key: str, value: str, seconds: int) -> None:
        self.redis.set(self.prefix + key, value.encode(), ex=seconds)

    def generation(self, scope: str) -> int:
        return int(self.redis.get(self.prefix + "generation:" + scope) or 0)

    def bump(self, scopes: set[str]) -> None:
        with self.redis.pipeline() as pipe:
            for scope in scopes:
                pipe.incr(self.prefix + "generation:" + scope)
            pipe.execute()


class PageCache:
    def __init__(self, store, seconds: int):
        self.store, self.seconds = store, seconds

    def fetch(
        self,
        scope: str,
        parts: tuple,
        render: Callable[[], dict[str, str]],
        keep: Callable[[], bool] = lambda: True,
    ) -> dict:
        """The kept blocks for these key parts, or freshly rendered ones, kept if `keep()`.

        The store failing (Redis down) never fails the page: it is rendered as usual."""
        try:
            key = self._key(scope, parts)
            kept, generation = self.store.lookup(key, scope)
        except Exception:
            current_app.logger.warning("page cache unavailable", exc_info=True)
            return render()
        if kept is not None:
            kept = json.loads(kept)
            # A copy made before the last change is not used (the generation moved on).
            if kept["generation"] == generation:
                return {name: _with_token(html) for name, html in kept["blocks"].items()}
        blocks = render()
        if not keep():
            return blocks
        token = generate_csrf()
        kept = {name: str(html).replace(token, CSRF_SLOT) for name, html in blocks.items()}
        try:
            self.store.put(
                key, json.dumps({"generation": generation, "blocks": kept}), self.seconds
            )
        except Exception:
            current_app.logger.warning("page cache unavailable", exc_info=True)
        return blocks

    def _key(self, scope: str, parts: tuple) -> str:
        described = (scope, str(get_locale()), str(get_timezone()))
        raw = json.dumps([*described, *parts], default=str)
        return scope + ":" + hashlib.sha256(raw.encode()).hexdigest()


def _with_token(html: str) -> Markup:
    return Markup(html.replace(CSRF_SLOT, generate_csrf()) if CSRF_SLOT in html else html)


def page_cache() -> PageCache | None:
    """The app's page cache, or None when PAGE_CACHE_SECONDS is 0."""
    return current_app.extensions.get("pagecache")


def init_page_cache(app: Flask) -> None:
    seconds = app.config["PAGE_CACHE_SECONDS"]
    if seconds <= 0:
        return
    store: MemoryStore | RedisStore
    if app.config["REDIS_URL"] and app.config["PAGE_CACHE_SHARED"]:
        store = RedisStore(app.config["REDIS_URL"], _release(app))
    else:
        store = MemoryStore()
    app.extensions["pagecache"] = PageCache(store, seconds)


def _release(app: Flask) -> str:
    """A short fingerprint of the templates and catalogs, so a new release never serves
    pages that an older one rendered into the shared store."""
    root = Path(app.root_path).parent
    digest = hashlib.sha256()
    files = chain(Path(app.root_path).rglob("*.html"), (root / "translations").rglob("*.po"))
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def scopes_changed(tables: set[str]) -> set[str]:
    shown = tables - NEVER_SHOWN
    if not shown:
        return set()
    return {STAFF} if shown <= STAFF_ONLY else {PUBLIC, STAFF}


@event.listens_for(Session, "after_flush")
def _note_changes(session, _flush_context) -> None:
    _note(session, flushed_tables(session))


@event.listens_for(Session, "do_orm_execute")
def _note_statements(orm_execute_state) -> None:
    """Bulk INSERT, UPDATE and DELETE statements (a section's save is one) change rows
    without the objects passing through a flush."""
    table = written_table(orm_execute_state)
    if table is not None:
        _note(orm_execute_state.session, {table})


def _note(session, tables: set[str]) -> None:
    # Rollbacks keep what was noted: at worst a later commit bumps a generation for nothing,
    # never the other way round.
    session.info.setdefault("pagecache_scopes", set()).update(scopes_changed(tables))


@event.listens_for(Session, "after_commit")
def _bump_generations(session) -> None:
    scopes = session.info.pop("pagecache_scopes", None)
    if not scopes or not has_app_context():
        return
    cache = current_app.extensions.get("pagecache")
    if cache is None:
        return
    try:
        cache.store.bump(scopes)
    except Exception:  # Redis down: the kept pages expire within PAGE_CACHE_SECONDS
        current_app.logger.warning("page cache generations not bumped", exc_info=True)
