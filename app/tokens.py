"""Random tokens for links that work once: only their hash is ever stored."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
