"""Sessions of a consultation: list, plan, register, cancel, minutes, calendar file."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.consultations.loading import load_consultation
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.policy import may, require
from app.sessions import bp, calendar, queries, services
from app.sessions.board import approved_contributions
from app.sessions.forms import CancelForm, MinutesForm, RegisterForm, SessionForm
from app.sessions.loading import load_session
from app.sessions.models import (
    ConsultationSession,
    SessionRegistration,
)
from app.submissions.models import CONTRIBUTION_LABELS
from app.timeutil import local_to_utc, utc_to_local, utcnow
from app.web import go_to, render


@bp.get("/consultations/<slug>/sessions")
def index(slug: str):
    consultation = load_consultation(slug)
    sessions = queries.sessions_of(consultation)
    now = utcnow()
    return render(
        "sessions/index.html",
        consultation=consultation,
        sessions=sessions,
        now=now,
        session_counts=queries.registration_counts(sessions),
        my_sessions=queries.my_registrations(current_user, sessions),
    )


@bp.route("/consultations/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    consultation = load_consultation(slug, "session.create")
    form = SessionForm()
    if request.method == "GET":
        form.timezone.data = consultation.timezone
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "sessions/form.html", status=status, form=form, consultation=consultation, session=None
        )
    session = services.create_session(current_user, consultation, _values(form), utcnow())
    db.session.commit()
    flash(_("The session is saved. Members of taking-part organizations can register."), "success")
    return go_to(url_for("sessions.view", session_id=session.id))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit(session_id: int):
    session = load_session(session_id, "session.manage")
    form = SessionForm()
    if request.method == "GET":
        _fill(form, session)
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _form_page(session, form, status)
    try:
        services.update_session(current_user, session, _values(form), utcnow())
    except services.CapacityBelowRegistrations as error:
        add_error(
            form.capacity, _("%(count)d people are registered already.", count=error.registered)
        )
        return _form_page(session, form, 422)
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return go_to(url_for("sessions.view", session_id=session.id))


def _form_page(session, form, status):
    return render(
        "sessions/form.html",
        status=status,
        form=form,
        consultation=session.consultation,
        session=session,
        cancel_form=CancelForm(formdata=None),
    )


def _values(form: SessionForm) -> dict:
    zone = form.timezone.data
    day, starts, ends = form.day.data, form.starts.data, form.ends.data
    assert day is not None and starts is not None and ends is not None  # required fields
    return {
        "title": form.title.data,
        "format": form.format.data,
        "timezone": zone,
        "starts_at": local_to_utc(datetime.combine(day, starts), zone),
        "ends_at": local_to_utc(datetime.combine(day, ends), zone),
        "agenda": form.agenda.data or "",
        "capacity": form.capacity.data,
        "meeting_link": form.meeting_link.data,
        "place": form.place.data,
    }


def _fill(form: SessionForm, session: ConsultationSession) -> None:
    starts = utc_to_local(session.starts_at, session.timezone)
    ends = utc_to_local(session.ends_at, session.timezone)
    form.title.data, form.format.data = session.title, session.format
    form.day.data, form.starts.data, form.ends.data = starts.date(), starts.time(), ends.time()
    form.timezone.data, form.agenda.data = session.timezone, session.agenda
    form.capacity.data = session.capacity
    form.meeting_link.data, form.place.data = session.meeting_link or "", session.place or ""


@bp.get("/sessions/<int:session_id>")
def view(session_id: int):
    session = load_session(session_id)
    return session_page(session)


def session_page(session, register_form=None, status=200):
    now = utcnow()
    organizations = (
        queries.joined_organizations(current_user, session.consultation)
        if current_user.is_authenticated
        else []
    )
    registration = (
        queries.registration_of(current_user, session) if current_user.is_authenticated else None
    )
    if register_form is None:
        register_form = RegisterForm(formdata=None, organizations=organizations)
        if registration is not None:
            register_form.organization_id.data = registration.organization_id
    return render(
        "sessions/view.html",
        status=status,
        session=session,
        consultation=session.consultation,
        now=now,
        state=session.state(now),
        registration=registration,
        organizations=organizations,
        register_form=register_form,
        taken=queries.registration_count(session),
    )


@bp.post("/sessions/<int:session_id>/register")
@login_required
def register(session_id: int):
    session = load_session(session_id, "session.register")
    organizations = queries.joined_organizations(current_user, session.consultation)
    form = RegisterForm(organizations=organizations)
    if not form.validate_on_submit():
        return session_page(session, form, 422)
    organization = next(o for o in organizations if o.id == form.organization_id.data)
    try:
        services.register(current_user, session, organization, utcnow())
    except services.SessionClosed:
        db.session.rollback()
        flash(_("This session is over or cancelled, so registration is closed."), "error")
        return go_to(url_for("sessions.view", session_id=session_id))
    except services.SessionFull:
        db.session.rollback()
        flash(_("All places are taken. Ask the facilitators whether more can be added."), "error")
        return go_to(url_for("sessions.view", session_id=session_id))
    db.session.commit()
    flash(_("You are registered. You will get a reminder the day before."), "success")
    return go_to(url_for("sessions.view", session_id=session_id))


@bp.post("/sessions/<int:session_id>/unregister")
@login_required
def unregister(session_id: int):
    session = load_session(session_id)
    if services.unregister(current_user, session, utcnow()):
        db.session.commit()
        flash(_("You are no longer registered for this session."), "success")
    return go_to(url_for("sessions.view", session_id=session_id))


@bp.post("/sessions/<int:session_id>/cancel")
@login_required
def cancel(session_id: int):
    session = load_session(session_id, "session.manage")
    form = CancelForm()
    if not form.validate_on_submit():
        return render(
            "sessions/form.html",
            status=422,
            form=_filled_form(session),
            consultation=session.consultation,
            session=session,
            cancel_form=form,
        )
    services.cancel_session(current_user, session, form.reason.data or "", utcnow())
    db.session.commit()
    flash(_("The session is cancelled. Registered participants were told."), "success")
    return go_to(url_for("sessions.view", session_id=session_id))


def _filled_form(session) -> SessionForm:
    form = SessionForm(formdata=None)
    _fill(form, session)
    return form


@bp.get("/sessions/<int:session_id>/registrations")
@login_required
def registrations(session_id: int):
    session = load_session(session_id, "session.manage")
    rows = db.session.scalars(
        select(SessionRegistration)
        .where(SessionRegistration.session_id == session.id)
        .options(joinedload(SessionRegistration.user), joinedload(SessionRegistration.organization))
        .order_by(SessionRegistration.created_at)
    )
    return render(
        "sessions/registrations.html",
        session=session,
        consultation=session.consultation,
        registrations=list(rows),
    )


@bp.get("/sessions/<int:session_id>/calendar.ics")
def calendar_file(session_id: int):
    """An iCalendar file; the meeting link and place only for those who may see them."""
    session = load_session(session_id)
    private = may(current_user, "session.see_link", session)
    link = url_for("sessions.view", session_id=session.id, _external=True)
    body = calendar.ics(session, link, private=private, now=utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response


# --- Minutes ---------------------------------------------------------------------------------


@bp.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(session_id: int):
    session = load_session(session_id)
    editing = may(current_user, "minutes.edit", session)
    if not editing:
        if request.method == "POST":
            abort(403)
        require(current_user, "minutes.read", session, hide=True)
        return render("sessions/minutes.html", session=session, consultation=session.consultation)
    form = MinutesForm()
    if request.method == "GET":
        form.minutes.data = session.minutes or services.minutes_outline(
            session, approved_contributions(session), CONTRIBUTION_LABELS
        )
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render(
            "sessions/minutes.html",
            status=status,
            session=session,
            consultation=session.consultation,
            form=form,
        )
    services.save_minutes(current_user, session, form.minutes.data or "", utcnow())
    db.session.commit()
    flash(_("The minutes are saved."), "success")
    return go_to(url_for("sessions.minutes", session_id=session_id))


@bp.post("/sessions/<int:session_id>/minutes/publish")
@login_required
def publish_minutes(session_id: int):
    session = load_session(session_id, "minutes.edit")
    if not session.minutes.strip():
        flash(_("Write the minutes before you publish them."), "error")
        return go_to(url_for("sessions.minutes", session_id=session_id))
    services.publish_minutes(current_user, session, utcnow())
    db.session.commit()
    flash(_("The minutes are published to the registered participants."), "success")
    return go_to(url_for("sessions.minutes", session_id=session_id))
