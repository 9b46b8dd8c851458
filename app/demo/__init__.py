"""A deterministic demo data set, for trying the platform and for benchmarks.

Same arguments, same data: names come from fixed lists and a seeded random generator.
Dates are placed relative to now, so that consultations are in every state. `base` holds the
builder; each area adds its part from its own module, in the order below.
"""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select

from app.auth.models import Role, User
from app.demo.base import DEFAULT_PASSWORD, DemoData
from app.demo.consultations import add_consultations
from app.demo.organizations import add_organizations
from app.demo.sessions import add_sessions
from app.demo.submissions import add_compiled_example, add_submissions
from app.extensions import db

__all__ = ["DEFAULT_PASSWORD", "build_demo_data"]


def build_demo_data(*, orgs: int, submissions: int, password: str, now: datetime):
    if db.session.scalar(select(User.id).where(User.username == "admin")):
        raise click.ClickException("demo data is already loaded in this database")
    demo = DemoData(password, now)
    demo.user("admin", "Platform admin", Role.ADMIN)
    demo.user("facilitator", "Mina (facilitator)", Role.FACILITATOR)
    demo.user("facilitator2", "Arjun (facilitator)", Role.FACILITATOR)
    demo.user("reviewer", "Lena (UN reviewer)", Role.UN_REVIEWER)
    demo.user("member", "Rina", Role.MEMBER)
    db.session.flush()
    add_organizations(demo, orgs)
    db.session.flush()
    add_consultations(demo)
    db.session.flush()
    add_submissions(demo, submissions)
    add_compiled_example(demo)
    db.session.flush()
    add_sessions(demo)
    db.session.flush()
    return list(demo.accounts.values())
