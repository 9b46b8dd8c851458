"""Labels and names for the safeguarding templates."""

from __future__ import annotations

from app.extensions import db
from app.i18n import gettext as _
from app.safeguarding import bp
from app.safeguarding.forms import AFFECTED_LABELS, WISH_LABELS
from app.safeguarding.models import STATUS_LABELS, SafetyReport


@bp.app_template_global()
def safety_status_label(key: str) -> str:
    return STATUS_LABELS.get(key, key)


@bp.app_template_global()
def affected_label(key: str) -> str:
    return AFFECTED_LABELS.get(key, key)


@bp.app_template_global()
def wish_label(key: str) -> str:
    return WISH_LABELS.get(key, key)


@bp.app_template_global()
def reporter_name(report: SafetyReport) -> str:
    from app.auth.models import User

    person = db.session.get(User, report.reporter_id) if report.reporter_id else None
    return person.display_name if person else _("former member")
