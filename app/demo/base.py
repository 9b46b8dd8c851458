"""What every part of the demo data builds on: the builder, its accounts and password."""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime

from app.auth.models import Role, User
from app.auth.passwords import hash_password
from app.auth.services import create_account
from app.extensions import db

DEFAULT_PASSWORD = "migrant-voices-demo"
DEMO_DOMAIN = "demo.example.org"


@dataclass
class DemoAccount:
    email: str
    role: str
    totp_secret: str | None = None
    organizations: list[str] = field(default_factory=list)


def demo_totp_secret(email: str) -> str:
    """A fixed TOTP secret per demo staff account, printed so people can sign in."""
    digest = hashlib.sha256(f"gcm-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


class DemoData:
    """Builds the data set step by step; each area adds its part in build_demo_data."""

    def __init__(self, password: str, now: datetime, seed: int = 2026):
        self.password = password
        self.now = now
        self.random = random.Random(seed)
        self.password_hash = hash_password(password)
        self.accounts: dict[str, DemoAccount] = {}
        self.users: dict[str, User] = {}
        self.organizations: list = []
        self.consultations: list = []

    def user(self, name: str, display_name: str, role: str = Role.MEMBER) -> User:
        email = f"{name}@{DEMO_DOMAIN}"
        user, _codes = create_account(
            username=name,
            display_name=display_name,
            password=self.password,
            email=email,
            role=role,
            now=self.now,
            password_hash=self.password_hash,
        )
        account = DemoAccount(email=email, role=role)
        if role != Role.MEMBER:
            user.totp_secret = account.totp_secret = demo_totp_secret(email)
        self.accounts[name] = account
        self.users[name] = user
        db.session.flush()
        return user

    def account_for(self, user_id: int) -> DemoAccount:
        name = next(n for n, u in self.users.items() if u.id == user_id)
        return self.accounts[name]

    def session_add(self, obj) -> None:
        db.session.add(obj)
        db.session.flush()
