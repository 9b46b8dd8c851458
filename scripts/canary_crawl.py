"""Run the canary leak crawl against a running instance, over HTTP.

    flask --app wsgi canary seed --output canary.json      # on the instance (staging copy)
    python -m scripts.canary_crawl --base-url https://staging.example.org --plan canary.json
    flask --app wsgi canary remove                         # afterwards; delete canary.json

It signs in as each canary persona through the sign-in form (with the second factor for
those who have one), walks every page, fragment and file that persona can reach, and
prints each canary found where that persona must not see it. Exit status 1 on any leak.
Sign-in is rate-limited: when the instance answers "too many tries", the crawl waits as
long as it is told to (or run it where RATELIMIT_ENABLED=0 for the check).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from app.selfcheck.canaries import Plan
from app.selfcheck.crawl import Fetched, Page, crawl, leaks

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A cookie jar and a way to ask for pages, as one person's browser."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | None = None, htmx: bool = False) -> Fetched:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"HX-Request": "true"} if htmx else {}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        for _attempt in range(10):
            try:
                with self.opener.open(request, timeout=60) as response:
                    return Fetched(
                        response.status, response.headers.get("Content-Type", ""), response.read()
                    )
            except urllib.error.HTTPError as error:
                if error.code == 429:
                    wait = int(error.headers.get("Retry-After") or 60)
                    print(f"  rate-limited: waiting {wait} s", file=sys.stderr)
                    time.sleep(wait)
                    continue
                return Fetched(error.code, error.headers.get("Content-Type", ""), error.read())
        raise RuntimeError(f"still rate-limited at {path}")

    def fetch(self, path: str, htmx: bool) -> Fetched:
        return self.request(path, htmx=htmx)

    def sign_in(self, username: str, password: str, totp_secret: str | None) -> None:
        page = self.request("/sign-in")
        fields = {"identifier": username, "password": password, **self._token(page)}
        answer = self.request("/sign-in", fields)
        if "second factor" in answer.body.decode("utf-8", "replace").lower() or totp_secret:
            import pyotp

            form = self.request("/sign-in/code")
            code = pyotp.TOTP(totp_secret).now() if totp_secret else ""
            self.request("/sign-in/code", {"code": code, **self._token(form)})
        if self.request("/account").status != 200:
            raise RuntimeError(f"could not sign in as {username}")

    @staticmethod
    def _token(page: Fetched) -> dict:
        found = _CSRF.search(page.body.decode("utf-8", "replace"))
        return {"csrf_token": found.group(1)} if found else {}


def crawl_as(base_url: str, plan: Plan, persona: str) -> list[Page]:
    """Every page, fragment and file this persona reaches, signed in through the forms."""
    browser = Browser(base_url)
    if persona != "visitor":
        account = plan.accounts[persona]
        browser.sign_in(account.username, account.password, account.totp_secret)
    return crawl(browser.fetch, plan.seeds)


def check(base_url: str, plan: Plan, personas: list[str] | None = None) -> list[str]:
    """Every leak, for every persona (or the ones named)."""
    found = []
    for persona in personas or ["visitor", *plan.accounts]:
        pages = crawl_as(base_url, plan, persona)
        print(f"{persona}: {len(pages)} pages and files read", file=sys.stderr)
        found += leaks(pages, plan.rules, persona)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--plan", required=True, help="the file `flask canary seed` wrote")
    parser.add_argument("--persona", action="append", help="only these (repeatable)")
    args = parser.parse_args(argv)
    plan = Plan.from_json(Path(args.plan).read_text())
    found = check(args.base_url, plan, args.persona)
    for leak in found:
        print(leak)
    print(f"{len(found)} leak(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
