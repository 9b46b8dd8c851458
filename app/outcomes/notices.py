"""Phase notices: what happens to a consultation, told once to the organizations taking part.

A consultation opens for drafting, its deadline changes, it closes, a compilation of it is
published, an outcome document of its review is recorded. `send_phase_notices` (run by
`flask --app wsgi consultations send-reminders`) tells the members of every organization that
joined it, in the app and by an e-mail that names only the kind of event. Each notice is
recorded in `phase_notices` under (consultation, kind, value), so a rerun sends nothing and a
deadline changed twice gives two notices.

The first deadline a consultation is seen with after it opened is noted without a notice (the
opening notice says when it ends). Closings, compilations and outcomes older than
`NOTICE_WINDOW` are not told: a first run after an upgrade does not flood inboxes with news
of last year.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import url_for
from sqlalchemy import or_, select

from app.compilations.models import Compilation
from app.consultations.models import Consultation, Participation, PhaseNotice
from app.extensions import db
from app.mail import mail_enabled
from app.notifications.services import notify_all
from app.organizations.models import Membership
from app.outcomes.models import OutcomeDocument

NOTICE_WINDOW = timedelta(days=7)

# Kind of notice -> kind of notification.
NOTIFICATION_KINDS = {
    "opened": "consultation.opened",
    "deadline": "consultation.deadline_changed",
    "closed": "consultation.closed",
    "compiled": "consultation.compiled",
    "outcome": "consultation.outcome",
}
# Who is told: drafting news goes to those who write; results go to every member.
WRITERS = ("owner", "editor")
EVERY_MEMBER = ("owner", "editor", "viewer")
RECIPIENT_ROLES = {
    "opened": WRITERS,
    "deadline": WRITERS,
    "closed": WRITERS,
    "compiled": EVERY_MEMBER,
    "outcome": EVERY_MEMBER,
}


def deadline_value(moment: datetime) -> str:
    """The deadline as the notice's value: UTC, to the minute."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def send_phase_notices(now: datetime, tally: dict[str, int] | None = None) -> int:
    """Send every phase notice that is due; returns how many notices went out (one per
    consultation and event, to all the people concerned). The caller commits."""
    tally = tally if tally is not None else {}
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.published.is_(True), Consultation.opens_at <= now)
        .where(
            select(Participation.id)
            .where(
                Participation.consultation_id == Consultation.id,
                Participation.state == "joined",
            )
            .exists()
        )
        .where(
            # Compiled long ago: only a new compilation or outcome document is news.
            or_(
                Consultation.compiled_at.is_(None),
                select(Compilation.id)
                .where(
                    Compilation.consultation_id == Consultation.id,
                    Compilation.published_at >= now - NOTICE_WINDOW,
                )
                .exists(),
                select(OutcomeDocument.id)
                .where(
                    OutcomeDocument.consultation_id == Consultation.id,
                    OutcomeDocument.created_at >= now - NOTICE_WINDOW,
                )
                .exists(),
            )
        )
        .order_by(Consultation.id)
    ).all()
    if not consultations:
        return 0
    ids = [c.id for c in consultations]
    recorded: dict[int, list[PhaseNotice]] = {i: [] for i in ids}
    for notice in db.session.scalars(
        select(PhaseNotice)
        .where(PhaseNotice.consultation_id.in_(ids))
        .order_by(PhaseNotice.sent_at, PhaseNotice.id)
    ):
        recorded[notice.consultation_id].append(notice)
    compilations = _by_consultation(
        select(Compilation).where(
            Compilation.consultation_id.in_(ids),
            Compilation.published_at.is_not(None),
            Compilation.published_at >= now - NOTICE_WINDOW,
        )
    )
    documents = _by_consultation(
        select(OutcomeDocument).where(
            OutcomeDocument.consultation_id.in_(ids),
            OutcomeDocument.created_at >= now - NOTICE_WINDOW,
        )
    )
    sent = 0
    for consultation in consultations:
        due = _due(
            consultation,
            now,
            recorded[consultation.id],
            compilations.get(consultation.id, []),
            documents.get(consultation.id, []),
        )
        for kind, value, params in due:
            db.session.add(
                PhaseNotice(consultation_id=consultation.id, kind=kind, value=value, sent_at=now)
            )
            if params is None:  # noted silently
                continue
            _tell(consultation, kind, params, now, tally)
            sent += 1
    db.session.flush()
    return sent


def _by_consultation(query) -> dict[int, list]:
    found: dict[int, list] = {}
    for row in db.session.scalars(query):
        found.setdefault(row.consultation_id, []).append(row)
    return found


def _due(consultation, now, recorded, compilations, documents):
    """(kind, value, params) of each notice due now; params None: record without telling."""
    done = {(n.kind, n.value) for n in recorded}
    due: list[tuple[str, str, dict | None]] = []
    deadline = deadline_value(consultation.deadline_at)
    deadline_params = {
        "deadline": consultation.deadline_at.isoformat(),
        "zone": consultation.timezone,
    }
    if consultation.compiled_at is None:
        if consultation.is_open(now) and ("opened", "") not in done:
            due.append(("opened", "", deadline_params))
        deadlines = [n.value for n in recorded if n.kind == "deadline"]
        if not deadlines:
            due.append(("deadline", deadline, None))  # the opening notice tells it
        elif deadlines[-1].split("#")[0] != deadline:
            # Changed back to a deadline told before: a new value, so it is told again.
            value = deadline if deadline not in deadlines else f"{deadline}#{len(deadlines)}"
            due.append(("deadline", value, deadline_params))
        closed = consultation.deadline_at <= now
        recent = now - consultation.deadline_at <= NOTICE_WINDOW
        if closed and recent and ("closed", deadline) not in done:
            due.append(("closed", deadline, {}))
    for compilation in compilations:
        if ("compiled", str(compilation.id)) not in done:
            due.append(("compiled", str(compilation.id), {}))
    for document in documents:
        if ("outcome", str(document.id)) not in done:
            due.append(("outcome", str(document.id), {}))
    return due


def _tell(consultation, kind: str, params: dict, now: datetime, tally) -> None:
    people = db.session.scalars(
        select(Membership)
        .join(
            Participation,
            (Participation.organization_id == Membership.organization_id)
            & (Participation.consultation_id == consultation.id),
        )
        .where(Participation.state == "joined", Membership.role.in_(RECIPIENT_ROLES[kind]))
    ).all()
    users = [m.user for m in people]
    emailed = [u for u in {u.id: u for u in users}.values() if u.email]
    notify_all(
        users,
        NOTIFICATION_KINDS[kind],
        now,
        url_for("consultations.view", slug=consultation.slug),
        consultation=consultation.title,
        **params,
    )
    tally["people"] = tally.get("people", 0) + len({u.id for u in users})
    if mail_enabled():
        tally["emailed"] = tally.get("emailed", 0) + len(emailed)
