from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.local import LocalProxy

from app.audit.models import AuditEvent
from app.extensions import db
from app.timeutil import utcnow


def record_event(
    actor,
    action: str,
    subject: Any = None,
    *,
    now: datetime | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the session. Details must hold ids and states, not personal data."""
    actor, subject = _unwrapped(actor), _unwrapped(subject)
    details = {name: _unwrapped(value) for name, value in details.items()}
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None) if actor is not None else None,
        action=action,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        details=details,
    )
    db.session.add(event)
    return event


def _unwrapped(value: Any) -> Any:
    """The object behind a proxy such as flask_login's current_user, so that the event names
    its type ("User"), not the proxy's."""
    if isinstance(value, LocalProxy):
        return value._get_current_object()
    return value


# Details that name a person by their account id.
PERSON_DETAILS = ("member", "user")


def forget_person(user_id: int) -> None:
    """Before an account is deleted, unlink the audit log from it.

    - The account's own timeline (events about it made by the person or by no one: created,
      sign-ins, resets, password and second-factor changes) is deleted: only they needed it.
    - What other people did to it (an admin's role change, a focal point proposal) stays,
      without the link, because it shows what those people did.
    - What the person did to shared things (a text sent, an organization verified, a report
      read, a restricted edition downloaded) stays, by a former member: the organizations and
      focal points concerned rely on it.
    - Details that named the person (a member removed, a report shared with them) lose it.
    """
    about_them = (AuditEvent.subject_type == "User") & (AuditEvent.subject_id == user_id)
    own = about_them & (AuditEvent.actor_id.is_(None) | (AuditEvent.actor_id == user_id))
    db.session.execute(delete(AuditEvent).where(own))
    db.session.execute(update(AuditEvent).where(about_them).values(subject_id=None))
    db.session.execute(
        update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None)
    )
    for key in PERSON_DETAILS:
        named = select(AuditEvent).where(AuditEvent.details[key].as_integer() == user_id)
        for event in db.session.scalars(named):
            event.details = {**event.details, key: None}
