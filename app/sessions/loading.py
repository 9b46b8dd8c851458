"""Load a session for a route, refusing without revealing hidden ones."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.policy import may, require
from app.sessions.models import ConsultationSession


def load_session(session_id: int, action: str = "session.view") -> ConsultationSession:
    """The session, or 404 when its consultation is hidden from this person, or 403."""
    session = db.session.scalar(
        select(ConsultationSession)
        .where(ConsultationSession.id == session_id)
        .options(joinedload(ConsultationSession.consultation))
    )
    if session is None or not may(current_user, "session.view", session):
        abort(404)
    require(current_user, action, session)
    return session
