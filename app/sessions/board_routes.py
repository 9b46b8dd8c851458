"""The live board and the speaking queue of a session.

The board page works by reloading; with JavaScript, its live part asks again every five
seconds with the ETag it has, and the answer is 304 with no body while nothing changed.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.auth.sessions import passive
from app.extensions import db
from app.forms import add_error
from app.i18n import gettext as _
from app.inputs import id_from
from app.policy import may, require
from app.sessions import board, bp, queries
from app.sessions.forms import ContributionForm, CopyForm, MergeForm, TakenForm
from app.sessions.loading import load_session
from app.sessions.models import ConsultationSession, Contribution, SpeakingRequest
from app.submissions.editing import MergeConflict, SectionLocked
from app.submissions.models import Section
from app.submissions.states import EDITABLE_STATES
from app.timeutil import utcnow
from app.web import go_to, render, render_fragment


def _board_url(session_id: int, anchor: str | None = None) -> str:
    return url_for("sessions.board", session_id=session_id, _anchor=anchor)


@bp.get("/sessions/<int:session_id>/board", endpoint="board")
@login_required
def board_page(session_id: int):
    session = load_session(session_id)
    if not may(current_user, "board.view", session) and may(
        current_user, "session.register", session
    ):
        # A member of a taking-part organization who has not registered: not a bare
        # refusal, but the session's page with its registration form.
        from app.sessions.routes import session_page

        flash(_("Register for this session to see its board and take part."), "info")
        return session_page(session, status=403)
    require(current_user, "board.view", session)
    return _page(session)


def _page(session, form=None, status=200):
    now = utcnow()
    registration = queries.registration_of(current_user, session)
    if form is None:
        form = ContributionForm(formdata=None, objectives=session.consultation.objectives)
    return render(
        "sessions/board.html",
        status=status,
        form=form,
        registration=registration,
        **_live_context(session, now),
    )


def _live_context(session, now) -> dict:
    facilitator = may(current_user, "board.moderate", session)
    view = board.board_for(current_user, session, facilitator)
    context = {
        "session": session,
        "consultation": session.consultation,
        "now": now,
        "state": session.state(now),
        "facilitator": facilitator,
        "view": view,
        "etag": f'W/"{board.etag(session, current_user, str(get_locale()), now)}"',
        "my_request": board.open_request(session, current_user),
        "poll_seconds": current_app.config["BOARD_POLL_SECONDS"],
    }
    if facilitator:
        context["submissions_by_org"] = board.submissions_by_organization(session.consultation_id)
    context["copy_choices"] = _copy_choices(session)
    return context


def _copy_choices(session) -> dict[int | None, list[tuple[str, str]]]:
    """Per organization: the draft sections this person may copy a point into."""
    from app.submissions.models import Submission

    choices: dict[int | None, list[tuple[str, str]]] = {}  # None: never found
    for org in queries.joined_organizations(current_user, session.consultation):
        drafts = db.session.scalars(
            db.select(Submission).where(
                Submission.consultation_id == session.consultation_id,
                Submission.lead_organization_id == org.id,
                Submission.state.in_(EDITABLE_STATES),
            )
        )
        for submission in drafts:
            if not may(current_user, "submission.edit", submission):
                continue
            for section in submission.ordered_sections():
                label = _(
                    "Submission #%(id)d, question %(number)s",
                    id=submission.id,
                    number=section.key[1:],
                )
                choices.setdefault(org.id, []).append((f"{submission.id}:{section.key}", label))
    return choices


@bp.get("/sessions/<int:session_id>/board/live")
@passive
@login_required
def live(session_id: int):
    """The board's live part. 304 when the poller's ETag is still current."""
    session = load_session(session_id, "board.view")
    now = utcnow()
    tag = board.etag(session, current_user, str(get_locale()), now)
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        response = render_fragment("sessions/board.html", "live", **_live_context(session, now))
    response.set_etag(tag, weak=True)
    return response


@bp.post("/sessions/<int:session_id>/contributions")
@login_required
def post(session_id: int):
    session = load_session(session_id, "board.post")
    form = ContributionForm(objectives=session.consultation.objectives)
    if not form.validate_on_submit():
        return _page(session, form, 422)
    registration = queries.registration_of(current_user, session)
    assert registration is not None  # board.post is for registered people only
    try:
        contribution = board.post_contribution(
            current_user, session, registration, _contribution_values(form), utcnow()
        )
    except board.BoardClosed:
        add_error(form.body, _("The session is not live, so the board takes no new points."))
        return _page(session, form, 422)
    db.session.commit()
    flash(_("Your point is sent. A facilitator will put it on the board."), "success")
    return go_to(_board_url(session_id, f"c-{contribution.id}"))


def _contribution_values(form: ContributionForm) -> dict:
    return {
        "body": form.body.data,
        "objectives": form.objectives.data or [],
        "contribution_type": form.contribution_type.data,
        "show_organization": bool(form.show_organization.data),
    }


def _contribution(contribution_id: int, action: str) -> Contribution:
    contribution = db.get_or_404(Contribution, contribution_id)
    session = load_session(contribution.session_id, "board.view")
    require(current_user, action, session)
    return contribution


@bp.post("/contributions/<int:contribution_id>/approve")
@login_required
def approve(contribution_id: int):
    contribution = _contribution(contribution_id, "board.moderate")
    board.approve(current_user, contribution, utcnow())
    db.session.commit()
    return go_to(_board_url(contribution.session_id, f"c-{contribution.id}"))


@bp.post("/contributions/<int:contribution_id>/pin")
@login_required
def pin(contribution_id: int):
    contribution = _contribution(contribution_id, "board.moderate")
    if contribution.state != "approved":
        flash(_("Only a point on the board can be pinned."), "error")
    else:
        board.set_pinned(current_user, contribution, not contribution.pinned, utcnow())
        db.session.commit()
    return go_to(_board_url(contribution.session_id, f"c-{contribution.id}"))


@bp.post("/contributions/<int:contribution_id>/merge")
@login_required
def merge(contribution_id: int):
    contribution = _contribution(contribution_id, "board.moderate")
    form = MergeForm()
    into = db.session.get(Contribution, form.into.data) if form.validate_on_submit() else None
    try:
        if into is None:
            raise board.InvalidMerge
        board.merge(current_user, contribution, into, utcnow())
    except board.InvalidMerge:
        flash(_("Choose another point on the board that says the same."), "error")
        return go_to(_board_url(contribution.session_id, f"c-{contribution.id}"))
    db.session.commit()
    return go_to(_board_url(contribution.session_id, f"c-{into.id}"))


@bp.post("/contributions/<int:contribution_id>/taken")
@login_required
def taken(contribution_id: int):
    contribution = _contribution(contribution_id, "board.moderate")
    by_organization = board.submissions_by_organization(
        db.session.get_one(ConsultationSession, contribution.session_id).consultation_id
    )
    candidates = by_organization.get(contribution.organization_id, [])
    form = TakenForm(submissions=candidates)
    if not form.validate_on_submit():
        flash(_("Choose one of the submissions of this organization."), "error")
        return go_to(_board_url(contribution.session_id, f"c-{contribution.id}"))
    chosen = next((s for s in candidates if s.id == form.submission_id.data), None)
    board.mark_taken(current_user, contribution, chosen, utcnow())
    db.session.commit()
    return go_to(_board_url(contribution.session_id, f"c-{contribution.id}"))


@bp.post("/contributions/<int:contribution_id>/copy")
@login_required
def copy(contribution_id: int):
    """Copy a point into a draft section of the contributor's organization's submission."""
    contribution = _contribution(contribution_id, "board.view")
    require(current_user, "contribution.copy", contribution)
    session = load_session(contribution.session_id, "board.view")
    choices = _copy_choices(session).get(contribution.organization_id, [])
    form = CopyForm(sections=choices)
    if not form.validate_on_submit():
        flash(_("Choose a section of one of your organization's drafts."), "error")
        return go_to(_board_url(session.id, f"c-{contribution.id}"))
    submission_id, key = form.target.data.split(":", 1)
    section = db.session.scalar(
        db.select(Section).where(Section.submission_id == int(submission_id), Section.key == key)
    )
    if section is None:
        abort(404)
    try:
        board.copy_into_section(current_user, contribution, section, utcnow())
    except (SectionLocked, MergeConflict):
        db.session.rollback()
        flash(_("That draft cannot take changes now. Copy the text by hand."), "error")
        return go_to(_board_url(session.id, f"c-{contribution.id}"))
    db.session.commit()
    flash(_("The point is added at the end of the section."), "success")
    return go_to(url_for("submissions.section", submission_id=section.submission_id, key=key))


# --- Speaking queue --------------------------------------------------------------------------


def _queue_change(session_id: int, action: str, change) -> BaseResponse:
    """Load the session for this action, apply the change, and go back to the queue."""
    session = load_session(session_id, action)
    try:
        change(session, utcnow())
    except board.BoardClosed:
        db.session.rollback()
        flash(_("The session is not live."), "error")
    else:
        db.session.commit()
    return go_to(_board_url(session_id, "queue"))


@bp.post("/sessions/<int:session_id>/hand")
@login_required
def raise_hand(session_id: int):
    return _queue_change(
        session_id, "speaking.raise", lambda s, now: board.raise_hand(current_user, s, now)
    )


@bp.post("/sessions/<int:session_id>/hand/lower")
@login_required
def lower_hand(session_id: int):
    return _queue_change(
        session_id, "speaking.raise", lambda s, now: board.lower_hand(current_user, s, now)
    )


@bp.post("/sessions/<int:session_id>/floor")
@login_required
def give_floor(session_id: int):
    asked = request.form.get("request_id", "")
    chosen = id_from(asked) if asked else None  # none asked for: the next in the queue
    if asked and (chosen is None or db.session.get(SpeakingRequest, chosen) is None):
        abort(404)
    return _queue_change(
        session_id,
        "speaking.manage",
        lambda s, now: board.give_floor(current_user, s, chosen, now),
    )


@bp.post("/sessions/<int:session_id>/floor/end")
@login_required
def end_turn(session_id: int):
    return _queue_change(
        session_id, "speaking.manage", lambda s, now: board.end_turn(current_user, s, now)
    )
