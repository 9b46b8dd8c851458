"""Factories: small functions that make valid objects with sensible defaults."""

from __future__ import annotations

import itertools

import pyotp

from app.auth.models import Role, User
from app.auth.services import create_account
from app.extensions import db
from app.timeutil import utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def make_user(
    *,
    role: str = Role.MEMBER,
    username: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    two_factor: bool | None = None,
    locale: str | None = None,
) -> User:
    """An account; staff roles get a second factor unless two_factor=False."""
    number = next(_counter)
    user, codes = create_account(
        username=username or f"user{number}",
        display_name=display_name or f"Person {number}",
        password=password,
        email=email,
        role=role,
        locale=locale,
        now=utcnow(),
    )
    user.recovery_codes_plain = codes  # only on this object, for tests
    if two_factor or (two_factor is None and role != Role.MEMBER):
        user.totp_secret = pyotp.random_base32()
    db.session.commit()
    return user


def make_org(
    owner: User | None = None,
    *,
    name: str | None = None,
    kind: str = "migrant-led",
    countries=("PH",),
    languages=("en",),
    listed: bool = True,
    verified: bool = True,
    description: str = "We help migrant workers.",
    contact: str | None = "hello@example.org",
    members: dict | None = None,
):
    """An organization with an owner (made when not given) and optional other members.

    members: {user: role}.
    """
    from app.organizations.models import Membership, Organization, Verification

    number = next(_counter)
    org = Organization(
        name=name or f"Organization {number}",
        kind=kind,
        listed=listed,
        verification=Verification.VERIFIED if verified else Verification.PENDING,
        description=description,
        contact=contact,
        created_at=utcnow(),
    )
    org.countries, org.languages = list(countries), list(languages)
    owner = owner or make_user()
    org.memberships = [Membership(user_id=owner.id, role="owner")]
    for user, role in (members or {}).items():
        org.memberships.append(Membership(user_id=user.id, role=role))
    db.session.add(org)
    db.session.commit()
    return org


def totp_now(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def signed_in_cookie(user: User) -> dict:
    """The contents of a signed-in session cookie, with its session row (committed)."""
    from app.auth.sessions import SESSION_TOKEN, open_account_session

    token = open_account_session(user, utcnow())
    db.session.commit()
    return {"_user_id": user.get_id(), "_fresh": True, SESSION_TOKEN: token}


def sign_in(client, user: User) -> None:
    """Put a signed-in session into a test client without going through the forms."""
    contents = signed_in_cookie(user)
    with client.session_transaction() as session:
        session.update(contents)
        session.permanent = True


def make_review(level: str = "regional", area_kind: str = "region", area: str = "asia-pacific"):
    from app.consultations.models import Review

    review = Review(
        level=level,
        area_kind=area_kind,
        area=area,
        cycle="2026",
        convening_body="UN Network on Migration",
        created_at=utcnow(),
    )
    db.session.add(review)
    db.session.commit()
    return review


def make_consultation(
    *,
    title: str | None = None,
    state: str = "open",
    review=None,
    facilitator: User | None = None,
    questions: int = 2,
    objectives=(6, 7),
    invitation_only: bool = False,
    language: str = "en",
    languages=("en",),
    timezone: str = "Asia/Bangkok",
    deadline=None,
    word_limit: int = 500,
):
    """A consultation in a given state (dates placed around now), with simple questions."""
    from datetime import timedelta

    from app.consultations import services

    now = utcnow()
    facilitator = facilitator or make_user(role="facilitator")
    if deadline is None:
        deadline = {
            "upcoming": now + timedelta(days=40),
            "closed": now - timedelta(days=1),
            "compiled": now - timedelta(days=5),
        }.get(state, now + timedelta(days=20))
    opens = now + timedelta(days=10) if state == "upcoming" else deadline - timedelta(days=30)
    consultation = services.create_consultation(
        facilitator,
        now,
        review=review or make_review(),
        title=title or f"Consultation {next(_counter)}",
        description="Tell us **what works**.",
        original_language=language,
        accepted_languages=list(languages),
        objectives=objectives,
        principles=["a"],
        timezone=timezone,
        opens_at=opens,
        deadline_at=deadline,
        review_meeting_at=deadline + timedelta(days=30),
        invitation_only=invitation_only,
    )
    for number in range(questions):
        services.add_question(
            consultation,
            f"Question {number + 1}?",
            "Be concrete.",
            [objectives[number % len(objectives)]],
            word_limit,
        )
    consultation.published = state != "draft"
    if state == "compiled":
        consultation.compiled_at = now
    db.session.commit()
    return consultation


def join_consultation(consultation, org, state: str = "joined"):
    from app.consultations.models import Participation

    consultation.participations.append(
        Participation(
            organization_id=org.id,
            state=state,
            invited_at=utcnow() if state == "invited" else None,
            joined_at=utcnow() if state == "joined" else None,
        )
    )
    db.session.commit()


def make_submission(
    consultation=None,
    org=None,
    *,
    texts=None,
    state: str = "draft",
    author: User | None = None,
    coauthors=(),
):
    """A submission (its organization joined to the consultation), with section texts.

    texts: {question key: text}; coauthors: organizations that accepted to co-author.
    """
    from app.submissions import services
    from app.submissions.models import Coauthor, Revision

    consultation = consultation or make_consultation()
    org = org or make_org()
    if consultation.participation_of(org) is None:
        join_consultation(consultation, org)
    author = author or org.owners()[0].user
    submission = services.start_submission(author, consultation, org, utcnow())
    for key, text in (texts or {}).items():
        section = submission.section(key)
        revision = Revision(
            section_id=section.id, author_id=author.id, body=text, kind="edit", created_at=utcnow()
        )
        db.session.add(revision)
        db.session.flush()
        section.current_revision_id = revision.id
    for coauthor_org in coauthors:
        submission.coauthors.append(Coauthor(organization_id=coauthor_org.id, state="accepted"))
    submission.state = state
    if state in ("submitted", "accepted", "returned"):
        submission.submitted_at = utcnow()
    if state == "accepted":  # as services.accept does: the reference is fixed now
        from app.compilations.references import assign_reference_number

        submission.decided_at = utcnow()
        assign_reference_number(submission)
    db.session.commit()
    db.session.refresh(submission)
    return submission


def make_session(
    consultation,
    *,
    state: str = "live",
    capacity: int | None = None,
    meeting_link: str | None = "https://meet.example.org/gcm-room",
    place: str | None = None,
    title: str | None = None,
):
    """A session of the consultation that is upcoming, live or ended now."""
    from datetime import timedelta

    from app.sessions.models import ConsultationSession

    now = utcnow()
    starts = {
        "upcoming": now + timedelta(days=3),
        "live": now - timedelta(minutes=30),
        "ended": now - timedelta(days=2),
    }[state]
    session = ConsultationSession(
        consultation_id=consultation.id,
        title=title or f"Session {next(_counter)}",
        format="online",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        timezone="Asia/Bangkok",
        agenda="1. Opening\n2. Round of points",
        capacity=capacity,
        meeting_link=meeting_link,
        place=place,
    )
    db.session.add(session)
    db.session.commit()
    return session


def register_for(session, user, org):
    from app.sessions.models import SessionRegistration

    registration = SessionRegistration(
        session_id=session.id, user_id=user.id, organization_id=org.id
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def make_contribution(session, author, org, *, body=None, state="approved", show_org=True, **extra):
    from app.sessions.models import Contribution

    contribution = Contribution(
        session_id=session.id,
        author_id=author.id,
        organization_id=org.id,
        body=body or f"Point {next(_counter)}: wage theft goes unpunished.",
        contribution_type="challenge",
        show_organization=show_org,
        state=state,
        **extra,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def enrol_key(user: User, password: str = PASSWORD) -> str:
    """Give a person a confirmed key pair for sealed safety reports; returns the recovery key."""
    from app.safeguarding.keys import confirm_key, create_key

    _row, recovery_key, _private = create_key(user, password, utcnow())
    confirm_key(user, recovery_key, utcnow())
    db.session.commit()
    return recovery_key


def sign_in_with_password(client, user: User, password: str = PASSWORD):
    """Sign in through the forms (password, then a recovery code as second factor), as a
    person does: a focal point's password then unlocks their key for this session."""
    response = client.post("/sign-in", data={"identifier": user.username, "password": password})
    if user.has_two_factor:
        codes = user.__dict__.setdefault("recovery_codes_plain", [])
        response = client.post("/sign-in/code", data={"code": codes.pop()})
    return response
