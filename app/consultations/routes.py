"""The public list of consultations, a consultation's page, and its facilitator dashboard."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.consultations import bp, queries
from app.consultations.dashboard import dashboard_data
from app.consultations.forms import JoinForm, ListFilterForm
from app.consultations.models import Consultation
from app.files.services import download
from app.policy import may, require
from app.timeutil import utcnow
from app.web import render


def load_consultation(slug: str, action: str = "consultation.view") -> Consultation:
    """The consultation, or 404 when it is not visible to this person, or 403."""
    consultation = queries.consultation_for_page(slug)
    if consultation is None or not may(current_user, "consultation.view", consultation):
        abort(404)
    require(current_user, action, consultation)
    return consultation


@bp.get("/consultations")
def index():
    areas = [(area, label) for area, label in _area_choices()]
    filters = ListFilterForm(request.args, areas=areas)
    values = filters.values() if filters.validate() else ListFilterForm(areas=areas).values()
    now = utcnow()
    page = queries.list_page(current_user, now, request.args.get("page", 1, type=int), **values)
    return render(
        "consultations/index.html", "results", filters=filters, page=page, values=values, now=now
    )


def _area_choices():
    from app.consultations.models import Review
    from app.consultations.template_helpers import area_label

    seen = {}
    for kind, area in queries.known_areas():
        seen[area] = area_label(Review(area_kind=kind, area=area))
    return sorted(seen.items(), key=lambda item: item[1])


@bp.get("/consultations/<slug>")
def view(slug: str):
    consultation = load_consultation(slug)
    now = utcnow()
    owned = queries.owned_organizations(current_user)
    mine = {
        p.organization_id for p in queries.my_participations(current_user, consultation) if p.joined
    }
    joinable = [o for o in owned if o.id not in mine]
    shown, others = queries.participant_counts(consultation)
    return render(
        "consultations/view.html",
        consultation=consultation,
        now=now,
        mine=queries.my_participations(current_user, consultation),
        join_form=JoinForm(formdata=None, organizations=joinable),
        joinable=joinable,
        participants=queries.public_participants(consultation, limit=PARTICIPANTS_SHOWN),
        participants_shown=shown,
        participants_others=others,
        published=queries.latest_published_compilation(consultation),
        **_sessions_context(consultation, now),
    )


def _sessions_context(consultation, now) -> dict:
    """The sessions still to come or live, for the consultation page."""
    from app.sessions import queries as session_queries

    sessions = [
        s for s in session_queries.sessions_of(consultation) if s.state(now) in ("upcoming", "live")
    ]
    return {
        "sessions": sessions,
        "session_counts": session_queries.registration_counts(sessions),
        "my_sessions": session_queries.my_registrations(current_user, sessions),
    }


PARTICIPANTS_SHOWN = 60


@bp.get("/consultations/<slug>/organizations")
def participants(slug: str):
    """Every listed organization taking part, page by page."""
    consultation = load_consultation(slug)
    page = queries.participants_page(
        consultation, request.args.get("page", 1, type=int), public_only=True
    )
    shown, others = queries.participant_counts(consultation)
    return render(
        "consultations/participants.html", consultation=consultation, page=page, others=others
    )


@bp.get("/consultations/<slug>/dashboard")
def dashboard(slug: str):
    consultation = load_consultation(slug, "consultation.dashboard")
    now = utcnow()
    return render(
        "consultations/dashboard.html",
        consultation=consultation,
        now=now,
        data=dashboard_data(consultation, now),
    )


@bp.get("/consultations/<slug>/documents/<int:document_id>")
def document(slug: str, document_id: int):
    consultation = load_consultation(slug)
    found = next((d for d in consultation.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    return download(found.file)
