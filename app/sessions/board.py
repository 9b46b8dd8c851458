"""The live board of a session and its speaking queue.

Every change raises the session's board_version; pollers send the version they have (as an
ETag) and get 304 Not Modified, with no body, while nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit.services import record_event
from app.extensions import db
from app.sessions.models import (
    ConsultationSession,
    Contribution,
    SessionRegistration,
    SpeakingRequest,
)
from app.submissions.states import SubmissionState

MAX_CONTRIBUTION = 1000


class BoardClosed(Exception):
    """Contributions and hands are taken only while the session is live."""


class InvalidMerge(Exception):
    """A contribution can only be merged into another approved one of the same session."""


def touch(session: ConsultationSession) -> None:
    """Tell pollers that the board or the queue changed (an atomic increment)."""
    session.board_version = ConsultationSession.board_version + 1


def etag(session: ConsultationSession, user, locale: str, now: datetime) -> str:
    """Differs per person and language (each sees something else) and when the session
    starts or ends (the board then offers other actions)."""
    version = session.board_version
    return f"board-{session.id}-{version}-{session.state(now)}-{user.id}-{locale}"


# --- Contributions ---------------------------------------------------------------------------


def post_contribution(
    user,
    session: ConsultationSession,
    registration: SessionRegistration,
    values: dict,
    now: datetime,
) -> Contribution:
    if session.state(now) != "live":
        raise BoardClosed
    contribution = Contribution(
        session_id=session.id,
        author_id=user.id,
        organization_id=registration.organization_id,
        body=values["body"],
        objectives=sorted(values["objectives"]),
        contribution_type=values["contribution_type"],
        show_organization=values["show_organization"],
        created_at=now,
    )
    db.session.add(contribution)
    touch(session)
    return contribution


def approve(user, contribution: Contribution, now: datetime) -> None:
    contribution.state = "approved"
    contribution.hidden_reason = None
    _changed(user, contribution, "board.approved", now)


def set_pinned(user, contribution: Contribution, pinned: bool, now: datetime) -> None:
    contribution.pinned = pinned
    _changed(user, contribution, "board.pinned" if pinned else "board.unpinned", now)


def merge(user, contribution: Contribution, target: Contribution, now: datetime) -> None:
    """A duplicate goes under the contribution it repeats; it is counted, not shown twice."""
    if (
        target.id == contribution.id
        or target.session_id != contribution.session_id
        or target.state != "approved"
    ):
        raise InvalidMerge
    contribution.state, contribution.merged_into_id, contribution.pinned = (
        "merged",
        target.id,
        False,
    )
    _changed(user, contribution, "board.merged", now, into=target.id)


def mark_taken(user, contribution: Contribution, submission, now: datetime) -> None:
    contribution.taken_into_submission_id = submission.id if submission else None
    _changed(
        user, contribution, "board.taken", now, submission=submission.id if submission else None
    )


def _changed(user, contribution: Contribution, action: str, now: datetime, **details) -> None:
    session = db.session.get_one(ConsultationSession, contribution.session_id)
    record_event(
        user,
        action,
        contribution,
        now=now,
        consultation=session.consultation_id,
        session=session.id,
        **details,
    )
    touch(session)


def submissions_by_organization(consultation_id: int) -> dict[int | None, list]:
    """Each organization's submissions in the consultation (lead or accepted co-author)."""
    from app.submissions.models import Coauthor, Submission

    submissions = list(
        db.session.scalars(
            select(Submission)
            .where(
                Submission.consultation_id == consultation_id,
                Submission.state != SubmissionState.WITHDRAWN,
            )
            .options(joinedload(Submission.lead_organization))
            .order_by(Submission.id)
        )
    )
    found: dict[int | None, list] = {}  # None (a point without organization) finds nothing
    for submission in submissions:
        found.setdefault(submission.lead_organization_id, []).append(submission)
    by_id = {s.id: s for s in submissions}
    coauthors = db.session.execute(
        select(Coauthor.organization_id, Coauthor.submission_id).where(
            Coauthor.state == "accepted", Coauthor.submission_id.in_(list(by_id))
        )
    )
    for organization_id, submission_id in coauthors:
        found.setdefault(organization_id, []).append(by_id[submission_id])
    return found


def copy_into_section(user, contribution: Contribution, section, now: datetime):
    """Add the contribution's text as a new paragraph at the end of a draft section."""
    from app.submissions import editing

    current = section.current_revision
    text = current.body.rstrip() if current else ""
    body = f"{text}\n\n{contribution.body.strip()}" if text else contribution.body.strip()
    result = editing.save_section(user, section.id, body, section.current_revision_id, now)
    contribution.taken_into_submission_id = section.submission_id
    _changed(user, contribution, "board.copied", now, submission=section.submission_id)
    return result


# --- What each person sees -------------------------------------------------------------------


@dataclass
class BoardView:
    pinned: list[Contribution] = field(default_factory=list)
    approved: list[Contribution] = field(default_factory=list)
    pending: list[Contribution] = field(default_factory=list)
    hidden: list[Contribution] = field(default_factory=list)
    mine_waiting: list[Contribution] = field(default_factory=list)
    # Under the point they were merged into (None: that point was deleted since).
    duplicates: dict[int | None, list[Contribution]] = field(default_factory=dict)
    queue: list[SpeakingRequest] = field(default_factory=list)
    speaking: SpeakingRequest | None = None
    names: dict[int, str] = field(default_factory=dict)  # user id -> registered org name


def board_for(user, session: ConsultationSession, facilitator: bool) -> BoardView:
    """The board as this person may see it.

    Peers see approved contributions, with the organization's name only where its author
    chose to show it, and never a person's name; facilitators see everything and who wrote
    it; authors also see their own contributions that wait or were hidden, with the reason.
    """
    view = BoardView()
    query = (
        select(Contribution)
        .where(Contribution.session_id == session.id)
        .options(joinedload(Contribution.organization), joinedload(Contribution.author))
        .order_by(Contribution.id)
    )
    for item in db.session.scalars(query):
        _place(view, item, user, facilitator)
    view.queue, view.speaking = _queue(session)
    view.names = _registered_organizations(session) if facilitator else {}
    return view


def _place(view: BoardView, item: Contribution, user, facilitator: bool) -> None:
    if item.state == "merged":
        # Peers see only how many said the same; the template shows facilitators the texts.
        view.duplicates.setdefault(item.merged_into_id, []).append(item)
        return
    if item.state == "approved":
        (view.pinned if item.pinned else view.approved).append(item)
    elif facilitator:
        (view.pending if item.state == "pending" else view.hidden).append(item)
    elif item.author_id == user.id:
        view.mine_waiting.append(item)


def approved_contributions(session: ConsultationSession) -> list[Contribution]:
    query = (
        select(Contribution)
        .where(Contribution.session_id == session.id, Contribution.state == "approved")
        .options(joinedload(Contribution.organization))
        .order_by(Contribution.pinned.desc(), Contribution.id)
    )
    return list(db.session.scalars(query))


# --- The speaking queue ----------------------------------------------------------------------


def _queue(session: ConsultationSession):
    query = (
        select(SpeakingRequest)
        .where(
            SpeakingRequest.session_id == session.id,
            SpeakingRequest.state.in_(("waiting", "speaking")),
        )
        .options(joinedload(SpeakingRequest.user))
        .order_by(SpeakingRequest.raised_at, SpeakingRequest.id)
    )
    found = list(db.session.scalars(query))
    speaking = next((r for r in found if r.state == "speaking"), None)
    return [r for r in found if r.state == "waiting"], speaking


def _registered_organizations(session: ConsultationSession) -> dict[int, str]:
    from app.organizations.models import Organization

    rows = db.session.execute(
        select(SessionRegistration.user_id, Organization.name)
        .join(Organization, Organization.id == SessionRegistration.organization_id)
        .where(SessionRegistration.session_id == session.id)
    )
    return dict(rows.tuples().all())


def open_request(session: ConsultationSession, user) -> SpeakingRequest | None:
    return db.session.scalar(
        select(SpeakingRequest).where(
            SpeakingRequest.session_id == session.id,
            SpeakingRequest.user_id == user.id,
            SpeakingRequest.state.in_(("waiting", "speaking")),
        )
    )


def raise_hand(user, session: ConsultationSession, now: datetime) -> SpeakingRequest:
    if session.state(now) != "live":
        raise BoardClosed
    existing = open_request(session, user)
    if existing is not None:
        return existing
    request = SpeakingRequest(session_id=session.id, user_id=user.id, raised_at=now)
    db.session.add(request)
    touch(session)
    return request


def lower_hand(user, session: ConsultationSession, now: datetime) -> None:
    existing = open_request(session, user)
    if existing is not None:
        existing.state = "withdrawn" if existing.state == "waiting" else "done"
        touch(session)


def give_floor(user, session: ConsultationSession, request_id: int | None, now: datetime):
    """The next person in the queue (or the one chosen) speaks; whoever spoke is done."""
    waiting, speaking = _queue(session)
    chosen = next((r for r in waiting if r.id == request_id), None) if request_id else None
    chosen = chosen or (waiting[0] if waiting else None)
    if speaking is not None:
        speaking.state = "done"
    if chosen is not None:
        chosen.state, chosen.floor_at = "speaking", now
    record_event(user, "speaking.floor", session, now=now, request=chosen.id if chosen else None)
    touch(session)
    return chosen


def end_turn(user, session: ConsultationSession, now: datetime) -> None:
    _waiting, speaking = _queue(session)
    if speaking is not None:
        speaking.state = "done"
        touch(session)
