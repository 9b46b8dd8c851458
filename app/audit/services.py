from __future__ import annotations

from datetime import datetime
from typing import Any

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
