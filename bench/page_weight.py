"""Page weight as Chromium measures it: bytes on the wire for a first and a repeat visit.

    .venv/bin/python bench/page_weight.py          # --keep-data to reuse the last data set

Loads the demo data into a fresh SQLite database under /tmp, writes the precompressed static
files (`make static`), serves the app with gunicorn (the shipped configuration) and opens
each page in Debian's Chromium (/usr/bin/chromium) through Playwright. "First visit": an
empty browser cache; "repeat visit": the same page opened again from a link or the address
bar (the browser keeps the static files, the page itself comes again). Bytes are what the
DevTools protocol reports as `encodedDataLength` for every answer the page loads: headers
and compressed bodies, as DevTools' "transferred" column shows them.
Targets (issue "The whole journey"): first visit at most 40 KB, repeat visit at most 8 KB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import KEYS, ROOT, server, wait_for_port

INSTANCE = Path("/tmp/gcm-bench-page-weight")
DATABASE = f"sqlite:///{INSTANCE / 'gcm.sqlite'}"
PORT = 5087
CHROMIUM = "/usr/bin/chromium"
PYTHON = sys.executable
MEMBER = "member"  # the demo owner of an organization, registered for a session
FIRST_TARGET, REPEAT_TARGET = 40_000, 8_000


def env() -> dict[str, str]:
    values = {
        **os.environ,
        **KEYS,
        "DATABASE_URL": DATABASE,
        "INSTANCE_PATH": str(INSTANCE),
        "RATELIMIT_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    values.pop("REDIS_URL", None)
    return values


def prepare(keep: bool) -> None:
    subprocess.run([PYTHON, "-m", "scripts.precompress"], cwd=ROOT, env=env(), check=True)
    if keep and (INSTANCE / "gcm.sqlite").exists():
        return
    subprocess.run(["rm", "-rf", str(INSTANCE)], check=True)
    INSTANCE.mkdir(parents=True)
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo-data"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env(), check=True, capture_output=True)


def pages() -> dict[str, str]:
    """The pages to weigh, found in the data set; a draft is started for the editor."""
    os.environ.update(env())
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.consultations.models import Consultation
    from app.extensions import db
    from app.organizations.models import Membership
    from app.sessions.models import SessionRegistration
    from app.submissions.models import Submission
    from app.submissions.services import start_submission
    from app.timeutil import utcnow

    app = create_app()
    with app.app_context():
        member = db.session.scalar(select(User).where(User.username == MEMBER))
        org = db.session.scalar(
            select(Membership).where(Membership.user_id == member.id)
        ).organization
        consultation = db.session.scalar(
            select(Consultation).where(Consultation.published).order_by(Consultation.id)
        )
        submission = db.session.scalar(
            select(Submission).where(
                Submission.lead_organization_id == org.id,
                Submission.consultation_id == consultation.id,
            )
        ) or start_submission(member, consultation, org, utcnow())
        db.session.commit()
        section = submission.sections[0]
        board = db.session.scalar(
            select(SessionRegistration.session_id).where(SessionRegistration.user_id == member.id)
        )
        return {
            "home": "/",
            "consultation list": "/consultations",
            "consultation page": f"/consultations/{consultation.slug}",
            "editor": f"/submissions/{submission.id}/sections/{section.key}",
            "board": f"/sessions/{board}/board",
        }


def weigh(urls: dict[str, str]) -> list[tuple[str, str, int, int, int]]:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{PORT}"
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for who in ("visitor", MEMBER):
            for name, path in urls.items():
                if who == "visitor" and name in ("editor", "board"):
                    continue
                context = browser.new_context()
                page = context.new_page()
                if who != "visitor":
                    sign_in(page, base)
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.clearBrowserCache")
                counted = {"bytes": 0, "answers": 0}

                def finished(event, counted=counted):
                    counted["bytes"] += int(event["encodedDataLength"])
                    counted["answers"] += 1

                cdp.on("Network.loadingFinished", finished)
                weights = []
                for _visit in ("first", "repeat"):
                    counted["bytes"] = counted["answers"] = 0
                    response = page.goto(base + path, wait_until="networkidle")
                    if response is None or response.status != 200:
                        raise RuntimeError(f"{path}: {response and response.status}")
                    weights.append(counted["bytes"])
                answers = counted["answers"]
                rows.append((who, name, weights[0], weights[1], answers))
                context.close()
        browser.close()
    return rows


def sign_in(page, base: str) -> None:
    page.goto(base + "/sign-in")
    page.fill("input[name=identifier]", MEMBER)
    page.fill("input[name=password]", "migrant-voices-demo")
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url, timeout=20_000)
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args()
    prepare(args.keep_data)
    urls = pages()
    gunicorn = [str(Path(PYTHON).parent / "gunicorn"), "-b", f"127.0.0.1:{PORT}", "wsgi:app"]
    with server(gunicorn, PORT, ROOT, env()):
        wait_for_port(PORT)
        rows = weigh(urls)
    print(f"{'who':8} {'page':20} {'first':>9} {'repeat':>9}  requests (repeat)")
    for who, name, first, repeat, answers in rows:
        marks = ("" if first <= FIRST_TARGET else " OVER") + (
            "" if repeat <= REPEAT_TARGET else " OVER"
        )
        print(f"{who:8} {name:20} {first:>9,} {repeat:>9,}  {answers}{marks}")
    print(f"targets: first visit <= {FIRST_TARGET:,} bytes, repeat visit <= {REPEAT_TARGET:,}")


if __name__ == "__main__":
    main()
