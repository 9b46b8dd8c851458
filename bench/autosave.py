"""Autosave latency for 20 people editing the same section at once.

    .venv/bin/python bench/autosave.py [--editors 20] [--seconds 60] [--keep-data]

Serves the app with gunicorn (2 workers x 4 threads, the shipped configuration) on a fresh
PostgreSQL database (BENCH_DATABASE_URL). Each editor types into their own paragraph and
autosaves like the editor page does: a save, then a pause of 1 to 3 seconds of typing,
always based on the last revision they got back (so most saves are merged with others'
changes). A second phase has every editor save at the same instant, over and over.
Prints the median and 95th percentile of the save latency (target: p95 under 100 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import random
import re
import statistics
import threading
import time
import urllib.parse

from _support import ROOT, app_env, fresh_database, gunicorn, server, session_cookie

PORT = 5792
MERGED = re.compile(r'<textarea hidden id="merged-body"[^>]*>(.*?)</textarea>', re.S)


def draft_with_editors(editors: int) -> tuple[int, str, tuple[int, str], list[str]]:
    """A draft whose lead organization has `editors` editors; their session cookies."""
    import os

    os.environ.update(app_env())
    from app import create_app
    from app.auth.models import User
    from app.auth.services import create_account
    from app.extensions import db
    from app.organizations.models import Membership
    from app.timeutil import utcnow

    with create_app().app_context():
        submission = _draft(db)
        names = [f"bench-editor-{number}" for number in range(editors)]
        for name in names:
            if db.session.scalar(db.select(User.id).where(User.username == name)) is None:
                user, _codes = create_account(
                    username=name,
                    display_name=name,
                    password="bench pass phrase 2026",
                    now=utcnow(),
                )
                db.session.add(
                    Membership(
                        organization_id=submission.lead_organization_id,
                        user_id=user.id,
                        role="editor",
                    )
                )
        section = submission.ordered_sections()[0]
        key, submission_id = section.key, submission.id
        base = _start_text(db, section, editors)
        db.session.commit()
    return submission_id, key, base, [session_cookie(name) for name in names]


def _start_text(db, section, editors: int) -> tuple[int, str]:
    """One paragraph per editor, as the text everyone starts from."""
    from app.submissions.models import Revision
    from app.timeutil import utcnow

    text = "\n\n".join(f"Paragraph of editor {n}:" for n in range(editors))
    revision = Revision(section_id=section.id, body=text, kind="edit", created_at=utcnow())
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    section.version += 1
    return revision.id, text


def _draft(db):
    """The demo member's draft to the open regional consultation (made on first run)."""
    from app.consultations.models import Consultation
    from app.consultations.services import AlreadyJoined, join
    from app.organizations.models import Organization
    from app.submissions.services import AlreadyExists, start_submission
    from app.timeutil import utcnow

    now = utcnow()
    consultation = next(
        c
        for c in db.session.scalars(db.select(Consultation))
        if c.is_open(now) and not c.invitation_only
    )
    org = db.session.scalar(
        db.select(Organization).where(Organization.name == "Migrant Workers Solidarity Network")
    )
    owner = org.owners()[0].user
    with contextlib.suppress(AlreadyJoined):
        join(owner, consultation, org, now)
    try:
        return start_submission(owner, consultation, org, now)
    except AlreadyExists as exists:
        return exists.submission


class Editor:
    """Keeps the whole text like the editor page: its own typing, and others' merged in."""

    def __init__(self, number: int, cookie: str, path: str, start: tuple[int, str]):
        self.number, self.cookie, self.path = number, cookie, path
        self.base, self.document = str(start[0]), start[1]
        self.token = self._csrf_token()

    def _csrf_token(self) -> str:
        """Ask for a form token, as the page would carry one; keep the updated session."""
        import json
        from http.cookies import SimpleCookie

        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("GET", "/csrf-token", headers={"Cookie": self.cookie})
        response = connection.getresponse()
        token = json.loads(response.read())["token"]
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookie = "; ".join(f"{k}={m.value}" for k, m in SimpleCookie(value).items())
        connection.close()
        return token

    def save(self) -> tuple[int, float]:
        marker = f"Paragraph of editor {self.number}:"
        self.document = self.document.replace(marker, f"{marker} word{self.number}", 1)
        body = urllib.parse.urlencode({"body": self.document, "base_revision": self.base})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": self.cookie,
            "HX-Request": "true",
            "X-CSRFToken": self.token,
        }
        started = time.perf_counter()
        # A new connection per save, as a phone that slept between saves would need.
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        connection.request("POST", self.path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode()
        connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status == 200:
            self.base = response.getheader("X-Revision") or self.base
            if response.getheader("X-Merged") == "1":
                self.document = html.unescape(MERGED.search(content).group(1))
        return response.status, elapsed


def run_phase(editors: list[Editor], seconds: float, together: bool) -> tuple[list, dict]:
    latencies, statuses, lock = [], {}, threading.Lock()
    barrier = threading.Barrier(len(editors)) if together else None
    stop = time.time() + seconds

    def work(editor: Editor) -> None:
        rng = random.Random(editor.number)
        while time.time() < stop:
            if barrier:
                try:
                    barrier.wait(timeout=10)
                except threading.BrokenBarrierError:
                    return
            status, elapsed = editor.save()
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
            if not barrier:
                time.sleep(rng.uniform(1, 3))

    threads = [threading.Thread(target=work, args=(e,)) for e in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def report(name: str, latencies: list[float], statuses: dict) -> None:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{name:34} saves {len(ordered):5}  median {statistics.median(ordered):6.1f} ms  "
        f"p95 {p95:6.1f} ms  statuses {dict(sorted(statuses.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--keep-data", action="store_true")
    options = parser.parse_args()
    if not options.keep_data:
        fresh_database(0)
    submission_id, key, start, cookies = draft_with_editors(options.editors)
    path = f"/submissions/{submission_id}/sections/{key}"
    with server(
        gunicorn("wsgi:app", PORT, workers=2, worker_class="gthread") + ["--threads", "4"],
        PORT,
        ROOT,
        app_env(),
    ):
        editors = [Editor(n, cookie, path, start) for n, cookie in enumerate(cookies)]
        report("typing pace (save every 1-3 s)", *run_phase(editors, options.seconds, False))
        report("all at the same instant", *run_phase(editors, options.seconds / 3, True))


if __name__ == "__main__":
    main()
