"""Time-based one-time codes (RFC 6238) and single-use recovery codes."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp

ISSUER = "GCM Consultations"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: easy to copy by hand


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account_label: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account_label, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG markup: made on our server, no image service involved."""
    import segno  # only the page that sets up two-step sign-in needs it

    return segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def matching_step(secret: str, code: str, last_step: int | None, at: float | None = None):
    """The time step a code belongs to (one step of clock drift allowed), or None.

    A step at or before `last_step` is refused: each code works once.
    """
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Codes of 16 characters from a 32-letter alphabet: 80 random bits each."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()
