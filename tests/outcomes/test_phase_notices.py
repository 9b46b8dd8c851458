"""Phase notices: a consultation opens, its deadline changes, it closes, a compilation is
published, an outcome is recorded; each told once to the organizations taking part."""

from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from app.compilations.models import Compilation
from app.mail import SENT
from app.notifications.messages import describe
from app.notifications.models import Notification
from app.outcomes.models import OutcomeDocument
from app.outcomes.notices import send_phase_notices
from app.timeutil import utcnow
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_submission,
    make_user,
)


def _kinds(db, user):
    return sorted(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id))
    )


def _run(app, now):
    with app.test_request_context("/"):
        sent = send_phase_notices(now)
    return sent


def _publish_compilation(consultation, now):
    from app.extensions import db

    compilation = Compilation(
        consultation_id=consultation.id,
        number=1,
        grouping="objective",
        language="en",
        published_at=now,
    )
    db.session.add(compilation)
    consultation.compiled_at = now
    db.session.commit()
    return compilation


def test_each_phase_is_told_once_and_a_rerun_tells_nothing(app, db):
    now = utcnow()
    owner, editor, viewer = make_user(), make_user(), make_user()
    org = make_org(owner, members={editor: "editor", viewer: "viewer"})
    consultation = make_consultation(deadline=now + timedelta(days=10))
    join_consultation(consultation, org)

    assert _run(app, now) == 1
    db.session.commit()
    assert _kinds(db, owner) == ["consultation.opened"]
    assert _run(app, now + timedelta(minutes=10)) == 0  # a rerun sends nothing
    db.session.commit()

    consultation.deadline_at = now + timedelta(days=12)
    db.session.commit()
    assert _run(app, now + timedelta(hours=1)) == 1
    db.session.commit()
    assert _run(app, now + timedelta(hours=2)) == 0
    db.session.commit()

    after_deadline = consultation.deadline_at + timedelta(minutes=5)
    assert _run(app, after_deadline) == 1
    db.session.commit()
    assert _run(app, after_deadline + timedelta(hours=1)) == 0

    compiled_at = after_deadline + timedelta(days=2)
    _publish_compilation(consultation, compiled_at)
    assert _run(app, compiled_at + timedelta(minutes=10)) == 1
    db.session.commit()

    recorded_at = compiled_at + timedelta(days=1)
    db.session.add(
        OutcomeDocument(
            consultation_id=consultation.id,
            title="Outcome of the review",
            issued_on=date(2027, 3, 1),
            link="https://example.org/outcome",
            created_at=recorded_at,
        )
    )
    db.session.commit()
    assert _run(app, recorded_at + timedelta(minutes=10)) == 1
    db.session.commit()
    assert _run(app, recorded_at + timedelta(minutes=20)) == 0
    db.session.commit()

    phases = [
        "consultation.closed",
        "consultation.deadline_changed",
        "consultation.opened",
    ]
    results = ["consultation.compiled", "consultation.outcome"]
    assert _kinds(db, owner) == sorted(phases + results)
    assert _kinds(db, editor) == _kinds(db, owner)
    assert _kinds(db, viewer) == results  # viewers do not draft; they read what came of it


def test_a_deadline_changed_again_is_told_again(app, db):
    now = utcnow()
    owner = make_user()
    consultation = make_consultation(deadline=now + timedelta(days=10))
    join_consultation(consultation, make_org(owner))
    _run(app, now)
    db.session.commit()
    first = consultation.deadline_at
    for days in (14, 18):
        consultation.deadline_at = now + timedelta(days=days)
        db.session.commit()
        assert _run(app, now + timedelta(hours=days)) == 1
        db.session.commit()
    consultation.deadline_at = first  # back to the first deadline: still a change to tell
    db.session.commit()
    assert _run(app, now + timedelta(days=1)) == 1
    db.session.commit()
    assert _run(app, now + timedelta(days=1, hours=1)) == 0
    db.session.commit()
    notes = db.session.scalars(
        select(Notification)
        .where(Notification.kind == "consultation.deadline_changed")
        .order_by(Notification.id)
    ).all()
    assert len(notes) == 3
    with app.test_request_context("/"), force_locale("en"):
        text = describe(notes[0])
    assert consultation.title in text and "The deadline of" in text
    assert "(Bangkok)" in text  # shown in the consultation's time zone, named by its city
    with app.test_request_context("/"), force_locale("id"):
        assert describe(notes[0]).startswith(f"Batas waktu {consultation.title} sekarang")


def test_organizations_not_taking_part_and_old_news_are_not_told(app, db):
    now = utcnow()
    invited_owner, joined_owner = make_user(), make_user()
    consultation = make_consultation(state="closed", deadline=now - timedelta(days=30))
    join_consultation(consultation, make_org(invited_owner), state="invited")
    join_consultation(consultation, make_org(joined_owner))
    assert _run(app, now) == 0  # closed a month ago: not news any more
    db.session.commit()
    compiled = make_consultation(state="compiled")
    join_consultation(compiled, make_org(joined_owner))
    compiled.compiled_at = now - timedelta(days=60)
    db.session.commit()
    assert _run(app, now) == 0  # compiled two months ago: nothing new to tell
    db.session.add(
        OutcomeDocument(
            consultation_id=compiled.id, title="Report", issued_on=date(2027, 1, 5), created_at=now
        )
    )
    db.session.commit()
    assert _run(app, now) == 1  # but an outcome recorded today is news
    db.session.commit()
    assert _kinds(db, joined_owner) == ["consultation.outcome"]
    open_one = make_consultation()
    join_consultation(open_one, make_org(invited_owner), state="invited")
    assert _run(app, now) == 0
    assert _kinds(db, invited_owner) == []


def test_emails_name_only_the_kind_of_event_in_the_readers_language(app, db):
    now = utcnow()
    owner = make_user(email="owner@example.org", display_name="Rina Santos")
    reader = make_user(email="reader@example.org", display_name="Dewi Lestari", locale="id")
    org = make_org(owner, name="Migrant Workers Voice", members={reader: "editor"})
    consultation = make_consultation(title="Bangkok review 2027", deadline=now + timedelta(days=9))
    make_submission(consultation, org, texts={"q1": "Secret testimony about the recruiter."})
    assert _run(app, now) == 1
    db.session.commit()
    assert len(SENT) == 2
    for message in SENT:
        whole = message["Subject"] + message.get_content()
        for private in (
            "Secret testimony",
            "recruiter",
            "Rina",
            "Dewi",
            "Migrant Workers Voice",
            "Bangkok review",
        ):
            assert private not in whole
    subjects = {m["To"]: m["Subject"] for m in SENT}
    assert subjects["owner@example.org"] == (
        "New on GCM consultations: a consultation is open for drafting"
    )
    assert "sebuah konsultasi dibuka untuk penulisan" in subjects["reader@example.org"]
