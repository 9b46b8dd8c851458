"""Load an organization for a route, refusing without revealing hidden ones."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.inputs import MAX_ID
from app.organizations import queries
from app.organizations.models import Organization
from app.policy import may, require


def load_organization(org_id: int, action: str = "organization.view") -> Organization:
    """The organization, or 404 when this person may not know it exists, or 403."""
    if not 1 <= org_id <= MAX_ID:  # an id read from a form: no such row, and too large for SQL
        abort(404)
    org = queries.organization_for_page(org_id)
    if org is None or not may(current_user, "organization.view", org):
        abort(404)
    require(current_user, action, org)
    return org
