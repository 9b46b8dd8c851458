"""Security wiring: response headers, rate-limit keys without IPs, and field encryption."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from functools import cache

from flask import Flask, current_app, request
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from app.timeutil import utcnow

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), "
    "accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()"
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):
        headers = response.headers
        if response.status_code == 304:
            # No body, nothing to render: only what caches need. This keeps the answer to
            # an unchanged live-board poll small on metered phone data.
            if is_private_response():
                headers["Cache-Control"] = "no-store"
            if request.endpoint != "static":
                response.vary.add("Cookie")
            return response
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if app.config["PRODUCTION"]:
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if is_private_response() or "attachment" in headers.get("Content-Disposition", ""):
            # Pages for signed-in people and downloads stay out of every cache, including
            # the phone's: a kept file shows what a person took an interest in.
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        if request.endpoint != "static":
            # Static files are the same for everyone: caches keep one copy, not one per person.
            response.vary.add("Cookie")
        return response


def is_private_response() -> bool:
    from flask_login import current_user

    if request.endpoint == "static":
        return False
    return bool(current_user and current_user.is_authenticated) or request.method != "GET"


class DropClientAddresses(logging.Filter):
    """Keep werkzeug's development server from writing lines that start with the client's
    address (its access log and its per-request errors); tracebacks still get through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("%s - - [")


def silence_access_logs() -> None:
    logging.getLogger("werkzeug").addFilter(DropClientAddresses())


def _rate_limit_secret() -> bytes:
    """The key of rate-limit counter names. It changes every day (UTC), so stored counters
    cannot be linked from one day to the next, and reading an address back from one needs
    SECRET_KEY."""
    day = utcnow().date().isoformat()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"rate-limits:{day}".encode(), hashlib.sha256).digest()


def rate_limit_key() -> str:
    """A keyed hash of the client address: limits work, the address is never stored."""
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(_rate_limit_secret(), address, hashlib.sha256).hexdigest()[:24]


def account_rate_limit_key() -> str:
    """Tries per account as well as per client, without storing the name that was typed."""
    identifier = (request.form.get("identifier") or "").strip().lower()
    digest = hmac.new(_rate_limit_secret(), b"account:" + identifier.encode(), hashlib.sha256)
    return "id:" + digest.hexdigest()[:24]


# --- Field encryption -------------------------------------------------------------------
#
# Why not `cryptography`'s MultiFernet, which also rotates keys? We weighed it (2026-12,
# 20,000 encrypt+decrypt pairs of a 23-character e-mail address on this 2-core machine):
# this AES-GCM envelope took 48 us per pair and stores 80 characters; MultiFernet 208 us and
# 120 characters. More than speed: each value here names its key (`v1:<key id>:`), so a
# rotated database decrypts with one key instead of trying each configured key in turn, and
# the key id is bound to the ciphertext as associated data. The primitives are still the
# library's (AESGCM, a random 96-bit nonce per value); only the framing is ours, and it is
# the 15 lines below. Rotation: put the new key first in DATA_ENCRYPTION_KEY, keep the old
# ones after it; new writes use the first.

_PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@cache
def _keys(setting: str) -> tuple[bytes, ...]:
    keys = []
    for part in setting.split(","):
        raw = base64.urlsafe_b64decode(part.strip().encode())
        if len(raw) != 32:
            raise ValueError("each DATA_ENCRYPTION_KEY must be 32 bytes, base64-encoded")
        keys.append(raw)
    return tuple(keys)


def _configured_keys() -> tuple[bytes, ...]:
    return _keys(current_app.config["DATA_ENCRYPTION_KEY"])


def _aesgcm(key: bytes):
    # cryptography (about 7 MB) is imported when a value is first encrypted or decrypted, so a
    # web worker that only serves public pages never holds it.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def encrypt_text(plaintext: str) -> str:
    key = _configured_keys()[0]
    nonce = os.urandom(12)
    sealed = _aesgcm(key).encrypt(nonce, plaintext.encode(), _key_id(key).encode())
    return f"{_PREFIX}{_key_id(key)}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_text(stored: str) -> str:
    if not stored.startswith(_PREFIX):
        raise DecryptionError("unknown format")
    key_id, _, payload = stored[len(_PREFIX) :].partition(":")
    blob = base64.urlsafe_b64decode(payload.encode())
    for key in _configured_keys():
        if _key_id(key) == key_id:
            return _aesgcm(key).decrypt(blob[:12], blob[12:], key_id.encode()).decode()
    raise DecryptionError("no configured key matches")


class EncryptedText(TypeDecorator):
    """Text encrypted with AES-GCM before it reaches the database."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect):
        return None if value is None else encrypt_text(value)

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else decrypt_text(value)


@cache
def _lookup_key(setting: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    first = _keys(setting)[0]
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lookup").derive(first)


def lookup_hash(value: str) -> str:
    """A keyed hash for finding an encrypted value (e.g. an e-mail) without decrypting all."""
    key = _lookup_key(current_app.config["DATA_ENCRYPTION_KEY"])
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
