"""Compressed answers: static files precompressed at build, pages compressed as they leave.

Static files. `scripts/precompress.py` (run by `make static`, which `make run` runs) writes a
`.br` and a `.gz` beside each text file of app/static; they are build products, never in
git. Brotli at its highest quality takes a while, which is why it happens once at build and
never during a request. The static view below sends the best copy the browser accepts, and
only while that copy is at least as new as the file itself, so an edited file is never
served from an old copy; without copies (a checkout where `make static` never ran) the
plain file goes out. Static URLs carry a content version (`app/web.py: static_url`), so
static answers are cached for a year and vary on Accept-Encoding only, never on Cookie.

Pages. HTML and JSON are compressed in `compress_response` (brotli at a fast quality when
accepted, else gzip).

BREACH. Compressing a page that holds a secret next to text an attacker chose lets the
attacker read the secret from the sizes of many answers, by making the victim's browser
ask for the page again and again. What our pages hold, and why compressing them is safe:
- The CSRF token. Flask-WTF puts `payload.timestamp.signature` in pages, and the signature
  (an HMAC with the server's key) covers the timestamp, which changes every second: the
  token in a page is a new one every second, and the attack needs thousands of answers
  around the same token. Learning the payload alone forges nothing (the signature needs
  SECRET_KEY). So the token is masked per response in effect, without extra code.
- Everything a signed-in person sees (drafts, names, reports, one-time codes). The session
  cookie is SameSite=Lax, so a foreign page can make the browser send it only with top-level
  navigations, which an attacker can still repeat from a window it opened. So an answer to a
  signed-in person, or to any POST, is compressed only when the browser says the request
  came from this site or from the person (typed address, bookmark): `Sec-Fetch-Site` is
  `same-origin` or `none`. A request another site triggered gets the page uncompressed;
  browsers without Fetch Metadata get every private page uncompressed.
- A visitor's page (signed out, GET) holds no secret of the visitor but the CSRF token
  above: it is always compressed, so first visits stay light whatever link led there.
"""

from __future__ import annotations

import gzip
import mimetypes
import os

import brotli
from flask import Flask, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

# Static files worth compressing (the others, e.g. images, are compressed already).
COMPRESSIBLE_SUFFIXES = (".css", ".js", ".svg", ".json", ".txt", ".html", ".map")
# Precompressed copies, best first, by the Content-Encoding each one answers with.
PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))
# Dynamic answers worth compressing, and the smallest one worth it.
COMPRESSIBLE_TYPES = {"text/html", "application/json", "text/plain", "text/csv"}
MINIMUM_SIZE = 500
# Brotli's quality 5 is about as fast as gzip's 6 and smaller; 11 is for build time only.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Who asked, according to the browser (Fetch Metadata): the answers that may be compressed
# even when they hold someone's data (see BREACH above).
SAFE_FETCH_SITES = {"same-origin", "none"}


def accepts(encoding: str) -> bool:
    return request.accept_encodings.quality(encoding) > 0


def serve_static(filename: str) -> Response:
    """Flask's static view, with precompressed copies and no Vary: Cookie."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if not folder or path is None:
        raise NotFound()
    compressible = filename.endswith(COMPRESSIBLE_SUFFIXES)
    copy = _precompressed_copy(path) if compressible else None
    if copy is None:
        response = current_app.send_static_file(filename)
    else:
        encoding, suffix = copy
        response = send_from_directory(
            folder,
            filename + suffix,
            mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream",
            max_age=current_app.get_send_file_max_age(filename),
        )
        response.headers["Content-Encoding"] = encoding
    if compressible:
        response.vary.add("Accept-Encoding")
    if request.args.get("v"):
        # A versioned URL never changes: browsers need not even ask again on a reload.
        response.cache_control.immutable = True
    return response


def _precompressed_copy(path: str) -> tuple[str, str] | None:
    try:
        source = os.stat(path).st_mtime
    except OSError:
        return None
    for encoding, suffix in PRECOMPRESSED:
        if not accepts(encoding):
            continue
        try:
            if os.stat(path + suffix).st_mtime >= source:
                return encoding, suffix
        except OSError:
            continue
    return None


def compress_response(response: Response) -> Response:
    """Compress a page or a JSON answer on its way out, when that is worth it and safe."""
    if (
        request.endpoint == "static"
        or response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE_TYPES
        or request.method == "HEAD"
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not _safe_to_compress():
        return response
    etag, weak = response.get_etag()
    if etag and not weak:
        return response  # a strong ETag names these exact bytes
    body = response.get_data()
    if len(body) < MINIMUM_SIZE:
        return response
    if accepts("br"):
        response.set_data(brotli.compress(body, quality=BROTLI_QUALITY))
        response.headers["Content-Encoding"] = "br"
    elif accepts("gzip"):
        response.set_data(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def _safe_to_compress() -> bool:
    from app.security import is_private_response

    if not is_private_response():
        return True
    return request.headers.get("Sec-Fetch-Site", "") in SAFE_FETCH_SITES


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left alone by static files: Flask-Login reads the
    session after every request, which would add `Vary: Cookie` (one cached copy per person)
    and refresh the cookie on answers that are the same for everyone."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def register_compression(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.view_functions["static"] = serve_static
    # Registered before the security headers, so it runs after them (Flask runs
    # after_request functions last registered first) and sees the final answer.
    app.after_request(compress_response)
