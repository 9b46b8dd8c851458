"""Planning sessions, registration with a capacity, the hidden link, reminders, minutes."""

from datetime import timedelta

from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.sessions.models import ConsultationSession, SessionRegistration
from app.sessions.services import send_session_reminders
from app.timeutil import utcnow
from tests.factories import (
    join_consultation,
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_user,
    register_for,
)

LINK = "https://meet.example.org/gcm-room"


def test_facilitator_plans_a_session_in_its_time_zone(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    client = signed_in_client(facilitator)
    response = client.post(
        f"/consultations/{consultation.slug}/sessions/new",
        data={
            "title": "Round table on objective 6",
            "format": "hybrid",
            "day": "2027-03-04",
            "starts": "14:00",
            "ends": "16:30",
            "timezone": "Asia/Kathmandu",
            "agenda": "1. Opening",
            "capacity": "40",
            "meeting_link": LINK,
            "place": "Room 2, Kathmandu",
        },
    )
    assert response.status_code == 303
    session = db.session.scalar(select(ConsultationSession))
    # 14:00 in Kathmandu (UTC+5:45) is 08:15 UTC.
    assert (session.starts_at.hour, session.starts_at.minute) == (8, 15)
    assert session.ends_at - session.starts_at == timedelta(hours=2, minutes=30)
    assert (session.capacity, session.format, session.place) == (40, "hybrid", "Room 2, Kathmandu")
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "session.created")
    )


def test_invalid_session_form_keeps_what_was_typed(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    response = signed_in_client(facilitator).post(
        f"/consultations/{consultation.slug}/sessions/new",
        data={
            "title": "Regional round table",
            "format": "online",
            "day": "2027-03-04",
            "starts": "14:00",
            "ends": "13:00",
            "timezone": "Asia/Manila",
            "meeting_link": "javascript:alert(1)",
            "capacity": "0",
        },
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The end must come after the start." in body
    assert "Enter a full link that starts with https://" in body
    assert "Use a number between 1 and 10000." in body
    assert 'value="Regional round table"' in body
    assert db.session.scalar(select(ConsultationSession)) is None


def test_registration_respects_capacity_and_frees_places(signed_in_client, db):
    consultation = make_consultation()
    people = [make_user() for _ in range(3)]
    org = make_org(people[0], members={people[1]: "viewer", people[2]: "editor"})
    join_consultation(consultation, org)
    session = make_session(consultation, state="upcoming", capacity=2)
    url = f"/sessions/{session.id}/register"
    clients = [signed_in_client(person) for person in people]
    for client in clients[:2]:
        assert client.post(url, data={"organization_id": org.id}).status_code == 303
    refused = clients[2].post(url, data={"organization_id": org.id}, follow_redirects=True)
    assert "All places are taken." in refused.get_data(as_text=True)
    registered = set(db.session.scalars(select(SessionRegistration.user_id)))
    assert registered == {people[0].id, people[1].id}
    clients[0].post(f"/sessions/{session.id}/unregister")
    clients[2].post(url, data={"organization_id": org.id})
    registered = set(db.session.scalars(select(SessionRegistration.user_id)))
    assert registered == {people[1].id, people[2].id}


def test_only_members_of_taking_part_organizations_register(signed_in_client, db):
    consultation = make_consultation()
    outsider = make_user()
    other_org = make_org(outsider)  # has not joined the consultation
    session = make_session(consultation, state="upcoming")
    response = signed_in_client(outsider).post(
        f"/sessions/{session.id}/register", data={"organization_id": other_org.id}
    )
    assert response.status_code == 403
    assert db.session.scalar(select(SessionRegistration)) is None


def test_registration_is_closed_after_the_session(signed_in_client, db):
    consultation = make_consultation()
    person = make_user()
    org = make_org(person)
    join_consultation(consultation, org)
    session = make_session(consultation, state="ended")
    response = signed_in_client(person).post(
        f"/sessions/{session.id}/register", data={"organization_id": org.id}, follow_redirects=True
    )
    assert "registration is closed" in response.get_data(as_text=True)
    assert db.session.scalar(select(SessionRegistration)) is None


def test_meeting_link_and_place_only_for_registered_people(signed_in_client, client, db):
    consultation = make_consultation()
    registered, unregistered = make_user(), make_user()
    org = make_org(registered, members={unregistered: "editor"})
    join_consultation(consultation, org)
    session = make_session(consultation, state="upcoming", place="Hall B, Bangkok")
    register_for(session, registered, org)
    page = f"/sessions/{session.id}"
    calendar = f"/sessions/{session.id}/calendar.ics"
    seen = signed_in_client(registered).get(page).get_data(as_text=True)
    assert LINK in seen and "Hall B, Bangkok" in seen
    for other in (signed_in_client(unregistered), client):
        body = other.get(page).get_data(as_text=True)
        assert LINK not in body and "Hall B" not in body
        assert "shown to registered participants only" in body
        assert LINK not in other.get(calendar).get_data(as_text=True)
    ics = signed_in_client(registered).get(calendar).get_data(as_text=True)
    assert "BEGIN:VEVENT" in ics and "LOCATION:Hall B\\, Bangkok" in ics
    assert LINK in ics.replace("\r\n ", "")  # folded lines joined back
    # The link is encrypted at rest.
    raw = db.session.execute(text("SELECT meeting_link, place FROM consultation_sessions")).one()
    assert LINK not in raw[0] and "Bangkok" not in raw[1]


def test_reminders_one_day_and_one_hour_before_each_once(app, db, clock):
    consultation = make_consultation()
    person = make_user()
    org = make_org(person)
    join_consultation(consultation, org)
    session = make_session(consultation, state="upcoming")
    register_for(session, person, org)
    kinds = lambda: sorted(db.session.scalars(select(Notification.kind)))  # noqa: E731
    with app.test_request_context("/"):
        clock.set(session.starts_at - timedelta(hours=30))
        assert send_session_reminders(utcnow()) == 0
        clock.set(session.starts_at - timedelta(hours=23))
        assert send_session_reminders(utcnow()) == 1
        assert send_session_reminders(utcnow()) == 0
        clock.set(session.starts_at - timedelta(minutes=50))
        assert send_session_reminders(utcnow()) == 1
        db.session.commit()
    assert kinds() == ["session.reminder_1d", "session.reminder_1h"]


def test_cancelling_tells_registered_people_and_closes_registration(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    person = make_user()
    org = make_org(person)
    join_consultation(consultation, org)
    session = make_session(consultation, state="upcoming")
    register_for(session, person, org)
    client = signed_in_client(facilitator)
    empty = client.post(f"/sessions/{session.id}/cancel", data={"reason": ""})
    assert empty.status_code == 422 and "Fill in this field." in empty.get_data(as_text=True)
    client.post(f"/sessions/{session.id}/cancel", data={"reason": "The venue closed."})
    db.session.refresh(session)
    assert session.cancelled_at is not None
    note = db.session.scalar(select(Notification).where(Notification.user_id == person.id))
    assert note.kind == "session.cancelled"
    page = signed_in_client(person).get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "The venue closed." in page and "Cancel my registration" not in page


def test_capacity_cannot_drop_below_registrations(signed_in_client, db, room):
    response = signed_in_client(room.facilitator).post(
        f"/sessions/{room.session.id}/edit",
        data={
            "title": room.session.title,
            "format": "online",
            "day": "2027-03-04",
            "starts": "10:00",
            "ends": "12:00",
            "timezone": "Asia/Bangkok",
            "capacity": "1",
        },
    )
    assert response.status_code == 422
    assert "2 people are registered already." in response.get_data(as_text=True)


def test_minutes_are_drafted_from_the_board_and_published_to_participants(
    signed_in_client, db, room
):
    make_contribution(room.session, room.alice, room.alice_org, body="Fees are too high.")
    make_contribution(
        room.session, room.bob, room.bob_org, body="No contract in my language.", show_org=False
    )
    facilitator = signed_in_client(room.facilitator)
    url = f"/sessions/{room.session.id}/minutes"
    draft = facilitator.get(url).get_data(as_text=True)
    assert "Fees are too high. (Migrant Workers Network)" in draft
    assert "No contract in my language." in draft and "Domestic Workers Union" not in draft
    alice = signed_in_client(room.alice)
    assert alice.get(url).status_code == 404  # not published yet
    facilitator.post(url, data={"minutes": "## Points\n\n- Fees are too high."})
    facilitator.post(f"{url}/publish")
    page = alice.get(url)
    assert page.status_code == 200 and "Fees are too high." in page.get_data(as_text=True)
    assert signed_in_client(room.carol).get(url).status_code == 404  # not registered
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "session.minutes")
        )
    )
    assert told == {room.alice.id, room.bob.id}


def test_export_lists_my_sessions_points_and_flags_but_no_report_text(signed_in_client, db, room):
    import json

    make_contribution(room.session, room.alice, room.alice_org, body="My own point.")
    other = make_contribution(room.session, room.bob, room.bob_org, body="Bob's point.")
    alice = signed_in_client(room.alice)
    alice.post(f"/flag/contribution/{other.id}", data={"reason": "spam"})
    alice.post(
        "/safety/report",
        data={
            "consultation": "",
            "what_happened": "They followed me home.",
            "identity": "named",
            "affected": "me",
        },
    )
    data = json.loads(alice.get("/account/export").get_data(as_text=True))
    assert [r["session"] for r in data["sessions"]["registrations"]] == [room.session.title]
    assert [p["text"] for p in data["sessions"]["board_points"]] == ["My own point."]
    assert [f["reason"] for f in data["flags_you_made"]] == ["spam"]
    assert [r["status"] for r in data["safety_reports_made_with_your_name"]] == ["received"]
    assert "followed me home" not in json.dumps(data)
    assert "Bob's point." not in json.dumps(data)


def test_the_last_place_is_given_once_under_concurrent_registrations(app, db):
    """Eight people register at the same instant, each in their own thread and database
    connection, for a session with one place left: exactly one gets it."""
    import threading

    from app.sessions.services import SessionFull, register

    consultation = make_consultation()
    people = [make_user() for _ in range(9)]
    org = make_org(people[0], members=dict.fromkeys(people[1:], "viewer"))
    join_consultation(consultation, org)
    session = make_session(consultation, state="upcoming", capacity=2)
    register_for(session, people[0], org)
    db.session.commit()
    ids = (session.id, org.id, consultation.id)
    start, outcomes = threading.Barrier(8), []

    def attempt(user_id: int) -> None:
        with app.app_context():
            from app.auth.models import User
            from app.organizations.models import Organization

            user = db.session.get(User, user_id)
            target = db.session.get(ConsultationSession, ids[0])
            organization = db.session.get(Organization, ids[1])
            start.wait()
            try:
                register(user, target, organization, utcnow())
                db.session.commit()
                outcomes.append("registered")
            except SessionFull:
                db.session.rollback()
                outcomes.append("full")

    threads = [threading.Thread(target=attempt, args=(p.id,)) for p in people[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * 7 + ["registered"]
    count = db.session.scalar(select(func.count()).where(SessionRegistration.session_id == ids[0]))
    assert count == 2
