"""The public list of consultations, a consultation's page, and its facilitator dashboard."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from app.consultations import bp, queries
from app.consultations.dashboard import dashboard_data
from app.consultations.forms import JoinForm, ListFilterForm
from app.consultations.loading import load_consultation
from app.consultations.models import Consultation
from app.files.services import download
from app.pagecache import PUBLIC, STAFF
from app.pagination import requested_page
from app.timeutil import utcnow
from app.web import render, render_kept


@bp.get("/consultations")
def index():
    number = requested_page()
    if current_user.is_authenticated or request.args.get("q") or not 1 <= number <= 20:
        return render("consultations/index.html", "results", **_list_context(number)[0])
    # Visitors without a search all see the same list: it is kept, by its filters as asked
    # (only when they are valid, so made-up filters fill no store).
    asked = sorted((name, request.args.get(name, "")) for name in ListFilterForm.FILTERS)
    checked = {"valid": False}

    def context() -> dict:
        built, checked["valid"] = _list_context(number)
        return built

    return render_kept(
        "consultations/index.html",
        "results",
        PUBLIC,
        (asked, number),
        context,
        keep=lambda: checked["valid"],
    )


def _list_context(number: int) -> tuple[dict, bool]:
    """The list page's context, and whether its filters were valid."""
    areas = [(area, label) for area, label in _area_choices()]
    filters = ListFilterForm(request.args, areas=areas)
    valid = filters.validate()
    values = filters.values() if valid else ListFilterForm(areas=areas).values()
    now = utcnow()
    page = queries.list_page(current_user, now, number, **values)
    return {"filters": filters, "page": page, "values": values, "now": now}, valid


def _area_choices():
    from app.consultations.template_helpers import area_name

    seen = {area: area_name(kind, area) for kind, area in queries.known_areas()}
    return sorted(seen.items(), key=lambda item: item[1])


@bp.get("/consultations/<slug>")
def view(slug: str):
    if current_user.is_authenticated:
        return render("consultations/view.html", **_page_context(load_consultation(slug)))
    # Visitors all see the same page, so it is kept. Whether a visitor may see it depends on
    # the consultation row alone: it is checked when the page is rendered, and any change to
    # the consultation drops the kept page (app/pagecache.py), so a kept page stands for it.
    return render_kept(
        "consultations/view.html",
        None,
        PUBLIC,
        (slug,),
        lambda: _page_context(load_consultation(slug)),
    )


def _page_context(consultation: Consultation) -> dict:
    now = utcnow()
    owned = queries.owned_organizations(current_user)
    participations = queries.my_participations(current_user, consultation)
    mine = {p.organization_id for p in participations if p.joined}
    joinable = [o for o in owned if o.id not in mine]
    listed, shown, others = queries.public_participants_and_counts(consultation, PARTICIPANTS_SHOWN)
    return dict(
        consultation=consultation,
        now=now,
        mine=participations,
        join_form=JoinForm(formdata=None, organizations=joinable),
        joinable=joinable,
        participants=listed,
        participants_shown=shown,
        participants_others=others,
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
    page = queries.participants_page(consultation, requested_page(), public_only=True)
    shown, others = queries.participant_counts(consultation)
    return render(
        "consultations/participants.html", consultation=consultation, page=page, others=others
    )


@bp.get("/consultations/<slug>/dashboard")
def dashboard(slug: str):
    consultation = load_consultation(slug, "consultation.dashboard", lean=True)
    number = requested_page()

    def context() -> dict:
        now = utcnow()
        loaded = queries.consultation_for_dashboard(slug)
        return {"consultation": loaded, "now": now, "data": dashboard_data(loaded, now, number)}

    # Kept per person (never shared between staff), and only for the first pages.
    if number > 20:
        return render("consultations/dashboard.html", **context())
    parts = (consultation.id, current_user.id, number)
    return render_kept("consultations/dashboard.html", None, STAFF, parts, context)


@bp.get("/consultations/<slug>/documents/<int:document_id>")
def document(slug: str, document_id: int):
    consultation = load_consultation(slug)
    found = next((d for d in consultation.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    return download(found.file)
