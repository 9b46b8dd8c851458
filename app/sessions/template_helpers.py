"""Labels for the session templates."""

from __future__ import annotations

from app.sessions import bp
from app.sessions.models import FORMAT_LABELS, STATE_LABELS
from app.submissions.models import CONTRIBUTION_LABELS


@bp.app_template_global()
def session_state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


@bp.app_template_global()
def session_format_label(key: str) -> str:
    return FORMAT_LABELS.get(key, key)


@bp.app_template_global()
def contribution_label(key: str) -> str:
    return CONTRIBUTION_LABELS.get(key, key)
