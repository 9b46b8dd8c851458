from __future__ import annotations

from datetime import datetime
from typing import Any

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
