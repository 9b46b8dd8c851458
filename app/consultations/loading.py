"""Load a consultation for a route, refusing without revealing hidden ones."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.consultations import queries
from app.consultations.models import Consultation
from app.policy import may, require


def load_consultation(
    slug: str, action: str = "consultation.view", lean: bool = False
) -> Consultation:
    """The consultation, or 404 when it is not visible to this person, or 403. `lean` loads
    the row alone, for pages that are kept (app/pagecache.py) and load the rest when needed."""
    consultation = queries.consultation_row(slug) if lean else queries.consultation_for_page(slug)
    if consultation is None or not may(current_user, "consultation.view", consultation):
        abort(404)
    require(current_user, action, consultation)
    return consultation
