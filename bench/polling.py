"""The live board's polling: 200 participants asking every 5 seconds for a minute.

    .venv/bin/python bench/polling.py [--participants 200] [--seconds 60]
                                      [--change-every 0] [--keep-data]

Serves the app with the shipped gunicorn configuration (2 workers x 4 threads) on a fresh
PostgreSQL database (BENCH_DATABASE_URL) with the demo data, whose live session gets
`--participants` registered people. Each participant loads the board's live part once, then
polls it every 5 seconds (starting at a random moment within the first 5 seconds) with the
ETag it holds, over a new connection each time, as a phone that slept would. With
`--change-every N`, a facilitator approves a new point every N seconds, so polls after it
get the new board (200) once. Prints the median and 95th percentile latency of the polls,
the answers by status, and the bytes of a 304 answer (status line and headers; no body).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import threading
import time

from _support import ROOT, app_env, fresh_database, server

PORT = 5793
POLL_SECONDS = 5


def _setup(participants: int) -> tuple[int, list[str]]:
    """Register `participants` new members of taking-part organizations for the live
    demo session; return its id and their session cookies."""
    os.environ.update(app_env())
    from app import create_app
    from app.auth.models import User
    from app.auth.services import create_account
    from app.extensions import db
    from app.organizations.models import Membership
    from app.sessions.models import ConsultationSession, SessionRegistration
    from app.timeutil import utcnow

    app = create_app()
    with app.app_context():
        now = utcnow()
        session = next(
            s for s in db.session.scalars(db.select(ConsultationSession)) if s.state(now) == "live"
        )
        organizations = [p.organization_id for p in session.consultation.participations if p.joined]
        serializer = app.session_interface.get_signing_serializer(app)
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        cookies = []
        for number in range(participants):
            name = f"bench-participant-{number}"
            user = db.session.scalar(db.select(User).where(User.username == name))
            if user is None:
                user, _codes = create_account(
                    username=name, display_name=name, password="bench pass 2026", now=now
                )
                org_id = organizations[number % len(organizations)]
                db.session.add(Membership(organization_id=org_id, user_id=user.id, role="viewer"))
                db.session.add(
                    SessionRegistration(
                        session_id=session.id, user_id=user.id, organization_id=org_id
                    )
                )
            value = serializer.dumps(
                {"_user_id": user.get_id(), "_fresh": True, "seen": int(time.time()) + 3600}
            )
            cookies.append(f"{cookie_name}={value}")
        db.session.commit()
        return session.id, cookies


def _get(path: str, cookie: str, etag: str | None):
    headers = {"Cookie": cookie, "HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
    head += sum(len(f"{k}: {v}\r\n") for k, v in response.getheaders())
    return response.status, elapsed, response.getheader("ETag"), head, len(body)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.bytes_304: list[int] = []
        self.bytes_200: list[int] = []

    def add(self, status: int, elapsed: float, head: int, body: int) -> None:
        with self.lock:
            self.latencies.append(elapsed)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            (self.bytes_304 if status == 304 else self.bytes_200).append(head + body)


def _participant(number, path, cookie, stop, results) -> None:
    rng = random.Random(number)
    _status, _elapsed, etag, _head, _body = _get(path, cookie, None)  # the page's first load
    next_poll = time.time() + rng.uniform(0, POLL_SECONDS)
    while True:
        time.sleep(max(0.0, next_poll - time.time()))
        if time.time() >= stop:
            return
        status, elapsed, new_tag, head, body = _get(path, cookie, etag)
        etag = new_tag or etag
        results.add(status, elapsed, head, body)
        next_poll += POLL_SECONDS


def _facilitator_changes(session_id: int, every: float, stop: float) -> int:
    """Approve a new point every `every` seconds, as a facilitator would."""
    from app import create_app
    from app.auth.models import User
    from app.extensions import db
    from app.sessions import board
    from app.sessions.models import Contribution
    from app.timeutil import utcnow

    made = 0
    app = create_app()
    with app.app_context(), app.test_request_context("/"):
        facilitator = db.session.scalar(db.select(User).where(User.username == "facilitator"))
        registration = session_registration(db, session_id)
        while time.time() + every < stop:
            time.sleep(every)
            point = Contribution(
                session_id=session_id,
                author_id=registration.user_id,
                organization_id=registration.organization_id,
                body=f"Bench point {made}",
                contribution_type="challenge",
            )
            db.session.add(point)
            db.session.flush()
            board.approve(facilitator, point, utcnow())
            db.session.commit()
            made += 1
    return made


def session_registration(db, session_id: int):
    from app.sessions.models import SessionRegistration

    return db.session.scalar(
        db.select(SessionRegistration).where(SessionRegistration.session_id == session_id).limit(1)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--change-every", type=float, default=0)
    parser.add_argument("--keep-data", action="store_true")
    options = parser.parse_args()
    if not options.keep_data:
        fresh_database(0)
    session_id, cookies = _setup(options.participants)
    path = f"/sessions/{session_id}/board/live"
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"]
    with server(command, PORT, ROOT, app_env(PORT=str(PORT))):
        results = Results()
        stop = time.time() + options.seconds
        threads = [
            threading.Thread(target=_participant, args=(n, path, cookie, stop, results))
            for n, cookie in enumerate(cookies)
        ]
        for thread in threads:
            thread.start()
        changes = (
            _facilitator_changes(session_id, options.change_every, stop)
            if options.change_every
            else 0
        )
        for thread in threads:
            thread.join()
    ordered = sorted(results.latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"participants {options.participants}, every {POLL_SECONDS} s for {options.seconds} s, "
        f"board changes {changes}"
    )
    print(
        f"polls {len(ordered)}  median {statistics.median(ordered):.1f} ms  p95 {p95:.1f} ms  "
        f"statuses {dict(sorted(results.statuses.items()))}"
    )
    if results.bytes_304:
        print(
            f"bytes per 304 answer (headers, no body): {statistics.median(results.bytes_304):.0f}"
        )
    if results.bytes_200:
        print(f"bytes per 200 answer (new board): {statistics.median(results.bytes_200):.0f}")


if __name__ == "__main__":
    main()
