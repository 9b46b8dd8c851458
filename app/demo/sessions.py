"""Demo sessions in every state, a live board with a speaking queue, a moderation queue,
and a safeguarding focal point with one report in the inbox."""

from __future__ import annotations

from datetime import timedelta

from app.auth.models import Role
from app.consultations.models import ConsultationStaff
from app.demo.base import DemoData
from app.extensions import db
from app.moderation.models import Flag
from app.organizations.models import MemberRole
from app.safeguarding.models import InstanceFocalPoint
from app.sessions.models import (
    ConsultationSession,
    Contribution,
    SessionRegistration,
    SpeakingRequest,
)

POINTS = [
    # (body, type, objectives, show organization, state, pinned)
    (
        "Recruitment fees are still charged to workers, often a year of wages.",
        "challenge",
        [6],
        True,
        "approved",
        True,
    ),
    (
        "Contracts must be given in a language the worker reads, before departure.",
        "recommendation",
        [6, 7],
        False,
        "approved",
        False,
    ),
    (
        "Our help desk recovered unpaid wages for 40 workers through the labour court.",
        "good practice",
        [6],
        True,
        "approved",
        False,
    ),
    (
        "Fees for recruitment are too high and take a year to repay.",
        "challenge",
        [6],
        True,
        "merged",
        False,
    ),
    (
        "Please add a point on passports kept by employers.",
        "challenge",
        [6],
        False,
        "pending",
        False,
    ),
    ("Everyone from that agency is a liar and a thief.", "challenge", [], True, "hidden", False),
]


def add_sessions(demo: DemoData) -> None:
    consultation = next(c for c in demo.consultations if c.state(demo.now) == "open")
    participants = _joined_owners(demo, consultation)
    sessions = {
        "upcoming": _session(demo, consultation, "Round table: fair recruitment", days=3),
        "live": _session(demo, consultation, "Round table: decent work", minutes=-20),
        "ended": _session(demo, consultation, "Opening session", days=-2),
        "cancelled": _session(demo, consultation, "Side event on data", days=5),
    }
    sessions["cancelled"].cancelled_at = demo.now - timedelta(days=1)
    sessions["cancelled"].cancel_reason = "The venue is not available. A new date follows."
    ended = sessions["ended"]
    ended.minutes = "## Points raised\n\n- Recruitment fees remain the first concern.\n"
    ended.minutes_published_at = demo.now - timedelta(days=1)
    for state in ("upcoming", "live", "ended"):
        for user, org in participants:
            db.session.add(
                SessionRegistration(
                    session_id=sessions[state].id, user_id=user.id, organization_id=org.id
                )
            )
    _board(demo, sessions["live"], participants)
    _safeguarding(demo, consultation)


def _joined_owners(demo: DemoData, consultation) -> list[tuple]:
    joined = {p.organization_id for p in consultation.participations if p.joined}
    pairs = []
    for org in demo.organizations:
        if org.id not in joined:
            continue
        owner = next(m.user for m in org.memberships if m.role == MemberRole.OWNER)
        pairs.append((owner, org))
    return pairs[:4]


def _session(demo: DemoData, consultation, title: str, days: int = 0, minutes: int = 0):
    starts = demo.now + timedelta(days=days, minutes=minutes)
    session = ConsultationSession(
        consultation_id=consultation.id,
        title=title,
        format="hybrid" if days > 0 else "online",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        timezone="Asia/Bangkok",
        agenda="1. Welcome and code of conduct\n2. Round of points\n3. Next steps",
        capacity=60,
        meeting_link="https://meet.demo.example.org/gcm-round-table",
        place="UN Conference Centre, Bangkok" if days > 0 else None,
        created_at=demo.now,
    )
    demo.session_add(session)
    return session


def _board(demo: DemoData, session, participants) -> None:
    first = None
    for number, (body, kind, objectives, show, state, pinned) in enumerate(POINTS):
        user, org = participants[number % len(participants)]
        point = Contribution(
            session_id=session.id,
            author_id=user.id,
            organization_id=org.id,
            body=body,
            contribution_type=kind,
            objectives=objectives,
            show_organization=show,
            state=state,
            pinned=pinned,
            merged_into_id=first.id if state == "merged" and first else None,
            hidden_reason="Naming and insulting people is against the code of conduct."
            if state == "hidden"
            else None,
            created_at=demo.now - timedelta(minutes=15 - number),
        )
        demo.session_add(point)
        first = first or point
        if number == 1:  # a flagged point waiting in the moderation queue
            flagger = participants[(number + 1) % len(participants)][0]
            db.session.add(
                Flag(
                    consultation_id=session.consultation_id,
                    target_type="contribution",
                    target_id=point.id,
                    reporter_id=flagger.id,
                    reason="off-topic",
                    details="This was said in the last session already.",
                    created_at=demo.now,
                )
            )
    for number, (user, _org) in enumerate(participants[:3]):
        db.session.add(
            SpeakingRequest(
                session_id=session.id,
                user_id=user.id,
                state="speaking" if number == 0 else "waiting",
                raised_at=demo.now - timedelta(minutes=10 - number),
                floor_at=demo.now - timedelta(minutes=2) if number == 0 else None,
            )
        )


def _safeguarding(demo: DemoData, consultation) -> None:
    """A focal point for the open consultation and for general reports, with a key (its
    recovery key is not kept: this is demo data), and one report sealed to it."""
    from app.safeguarding.keys import confirm_key, create_key
    from app.safeguarding.services import ReportContent, submit_report

    focal_point = demo.user("safeguarding", "Sami (safeguarding focal point)", Role.MEMBER)
    focal_point.totp_secret = demo.accounts["safeguarding"].totp_secret = _secret(demo)
    consultation.staff.append(ConsultationStaff(user_id=focal_point.id, role="focal-point"))
    db.session.add(InstanceFocalPoint(user_id=focal_point.id))
    db.session.flush()
    _key, recovery_key, _private = create_key(focal_point, demo.password, demo.now)
    confirm_key(focal_point, recovery_key, demo.now)
    from flask import current_app

    with current_app.test_request_context("/"):
        submit_report(
            None,
            consultation,
            ReportContent(
                what_happened="After the national consultation, an official called our "
                "office and asked for the names of the workers who spoke.",
                when="Two weeks ago",
                affected="organization",
                wishes=("talk",),
            ),
            True,
            demo.now,
        )


def _secret(demo: DemoData) -> str:
    from app.demo.base import demo_totp_secret

    return demo_totp_secret(demo.accounts["safeguarding"].email)
