"""The live board: who sees what, facilitator actions, the speaking queue, 304 polls."""

import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.sessions.models import Contribution, SpeakingRequest
from app.submissions.models import Section
from tests.factories import make_contribution, make_submission


def _board(client, room) -> str:
    return client.get(f"/sessions/{room.session.id}/board").get_data(as_text=True)


def _post(client, room, body, show_org=True):
    data = {"body": body, "contribution_type": "recommendation", "objectives": ["6"]}
    if show_org:
        data["show_organization"] = "y"
    return client.post(f"/sessions/{room.session.id}/contributions", data=data)


def test_points_wait_for_approval_and_peers_never_see_names(signed_in_client, db, room):
    alice, bob = signed_in_client(room.alice), signed_in_client(room.bob)
    facilitator = signed_in_client(room.facilitator)
    assert _post(alice, room, "Recruitment fees must be banned.", show_org=False).status_code == 303
    point = db.session.scalar(select(Contribution))
    assert (point.state, point.show_organization, point.objectives) == ("pending", False, [6])

    assert "Recruitment fees" not in _board(bob, room)  # not approved yet
    assert "Waiting for a facilitator" in _board(alice, room)  # its author sees it waiting

    facilitator.post(f"/contributions/{point.id}/approve")
    peer_view = _board(bob, room)
    assert "Recruitment fees must be banned." in peer_view
    assert "Migrant Workers Network" not in peer_view  # the author chose to hide it
    assert room.alice.display_name not in peer_view  # a person's name never
    staff_view = _board(facilitator, room)
    assert "Migrant Workers Network" in staff_view and room.alice.display_name in staff_view


def test_organization_name_shown_when_chosen(signed_in_client, db, room):
    make_contribution(room.session, room.alice, room.alice_org, body="Visible point.")
    view = _board(signed_in_client(room.bob), room)
    assert "Visible point." in view and "Migrant Workers Network" in view


def test_unregistered_people_cannot_see_or_post(signed_in_client, db, room):
    carol = signed_in_client(room.carol)  # her organization takes part; she did not register
    assert carol.get(f"/sessions/{room.session.id}/board").status_code == 403
    assert _post(carol, room, "Let me in.").status_code == 403
    assert db.session.scalar(select(Contribution)) is None


def test_invalid_point_comes_back_with_the_text(signed_in_client, db, room):
    response = signed_in_client(room.alice).post(
        f"/sessions/{room.session.id}/contributions",
        data={"body": "x" * 1001, "contribution_type": "challenge"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 1000 characters." in body and "x" * 1001 in body


def test_hide_merge_and_pin(signed_in_client, db, room):
    first = make_contribution(room.session, room.alice, room.alice_org, body="Wages unpaid.")
    twin = make_contribution(room.session, room.bob, room.bob_org, body="Unpaid wages again.")
    rude = make_contribution(room.session, room.bob, room.bob_org, body="A rude remark.")
    later = make_contribution(room.session, room.bob, room.bob_org, body="Later point.")
    facilitator = signed_in_client(room.facilitator)
    facilitator.post(
        f"/moderation/contribution/{rude.id}/hide",
        data={"reason": "Insults are not accepted.", "next": "/"},
    )
    facilitator.post(f"/contributions/{twin.id}/merge", data={"into": first.id})
    facilitator.post(f"/contributions/{later.id}/pin")

    alice_view = _board(signed_in_client(room.alice), room)
    assert "A rude remark." not in alice_view
    assert "Unpaid wages again." not in alice_view  # merged: counted, not repeated
    assert "1 participant made the same point." in alice_view
    assert alice_view.index("Later point.") < alice_view.index("Wages unpaid.")  # pinned first

    bob_view = _board(signed_in_client(room.bob), room)
    assert "Insults are not accepted." in bob_view  # its author sees the reason
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"moderation.hidden", "board.merged", "board.pinned"} <= actions


def test_merge_into_itself_or_a_hidden_point_is_refused(signed_in_client, db, room):
    point = make_contribution(room.session, room.alice, room.alice_org)
    hidden = make_contribution(room.session, room.bob, room.bob_org, state="hidden")
    facilitator = signed_in_client(room.facilitator)
    for target in (point.id, hidden.id):
        facilitator.post(f"/contributions/{point.id}/merge", data={"into": target})
    db.session.refresh(point)
    assert point.state == "approved" and point.merged_into_id is None


def test_speaking_queue_keeps_the_order_hands_were_raised(signed_in_client, db, room, clock):
    from datetime import timedelta

    from tests.factories import make_user, register_for

    dan = make_user()
    register_for(room.session, dan, room.alice_org)
    clients = {p: signed_in_client(p) for p in (room.bob, room.alice, dan)}
    clock.set(room.session.starts_at + timedelta(minutes=5))
    for person in (room.bob, room.alice, dan):  # Bob first, then Alice, then Dan
        clock.advance(timedelta(seconds=10))
        clients[person].post(f"/sessions/{room.session.id}/hand")
    facilitator = signed_in_client(room.facilitator)
    staff_view = _board(facilitator, room)
    names = [room.bob.display_name, room.alice.display_name, dan.display_name]
    positions = [staff_view.index(name) for name in names]
    assert positions == sorted(positions)
    assert "You are number 2 in the queue." in _board(clients[room.alice], room)

    facilitator.post(f"/sessions/{room.session.id}/floor")  # the next: Bob
    states = dict(db.session.execute(select(SpeakingRequest.user_id, SpeakingRequest.state)).all())
    assert states[room.bob.id] == "speaking" and states[room.alice.id] == "waiting"
    assert "You are number 1 in the queue." in _board(clients[room.alice], room)

    dan_request = db.session.scalar(
        select(SpeakingRequest).where(SpeakingRequest.user_id == dan.id)
    )
    facilitator.post(f"/sessions/{room.session.id}/floor", data={"request_id": dan_request.id})
    states = dict(db.session.execute(select(SpeakingRequest.user_id, SpeakingRequest.state)).all())
    assert states == {room.bob.id: "done", room.alice.id: "waiting", dan.id: "speaking"}

    clients[room.alice].post(f"/sessions/{room.session.id}/hand/lower")
    db.session.expire_all()
    states = dict(db.session.execute(select(SpeakingRequest.user_id, SpeakingRequest.state)).all())
    assert states[room.alice.id] == "withdrawn"
    peer_view = _board(clients[room.bob], room)
    assert dan.display_name not in peer_view  # peers see the order, not the names


def test_unchanged_board_answers_304_with_no_body(signed_in_client, db, room):
    point = make_contribution(room.session, room.bob, room.bob_org, body="A new point.")
    point.state = "pending"
    db.session.commit()
    alice = signed_in_client(room.alice)
    live = f"/sessions/{room.session.id}/board/live"
    page = _board(alice, room)
    etag = re.search(r'data-etag="([^"]+)"', page).group(1).replace("&#34;", '"')
    unchanged = alice.get(live, headers={"If-None-Match": etag, "HX-Request": "true"})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    # Only what caches need: an unchanged poll costs a few hundred bytes of phone data.
    assert unchanged.headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" not in unchanged.headers

    assert "A new point." not in page
    signed_in_client(room.facilitator).post(f"/contributions/{point.id}/approve")
    changed = alice.get(live, headers={"If-None-Match": etag, "HX-Request": "true"})
    assert changed.status_code == 200 and "A new point." in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    assert "<html" not in changed.get_data(as_text=True)  # only the live part

    # Each person has their own tag: Bob's board is not Alice's.
    bob_tag = signed_in_client(room.bob).get(live).headers["ETag"]
    assert bob_tag != changed.headers["ETag"]


def test_unchanged_poll_reads_little_and_renders_nothing(signed_in_client, db, room, count_queries):
    for number in range(30):
        make_contribution(room.session, room.bob, room.bob_org, body=f"Point {number}.")
    alice = signed_in_client(room.alice)
    live = f"/sessions/{room.session.id}/board/live"
    etag = alice.get(live).headers["ETag"]
    db.session.commit()
    with count_queries() as statements:
        response = alice.get(live, headers={"If-None-Match": etag})
    assert response.status_code == 304
    # The person, the session with its consultation, the registration: no board is read.
    assert len(statements) <= 3, statements
    assert not any("contributions" in s for s in statements)


def test_facilitator_marks_a_point_taken_into_a_submission(signed_in_client, db, room):
    point = make_contribution(room.session, room.alice, room.alice_org, body="Fees.")
    submission = make_submission(room.consultation, room.alice_org, texts={"q1": "Draft."})
    other = make_submission(room.consultation, room.bob_org, texts={"q1": "Other."})
    facilitator = signed_in_client(room.facilitator)
    facilitator.post(f"/contributions/{point.id}/taken", data={"submission_id": other.id})
    db.session.refresh(point)
    assert point.taken_into_submission_id is None  # not a submission of Alice's organization
    facilitator.post(f"/contributions/{point.id}/taken", data={"submission_id": submission.id})
    db.session.refresh(point)
    assert point.taken_into_submission_id == submission.id
    assert "Taken into a submission" in _board(signed_in_client(room.bob), room)


def test_contributor_copies_a_point_into_a_draft_section(signed_in_client, db, room):
    point = make_contribution(
        room.session, room.alice, room.alice_org, body="Ban recruitment fees."
    )
    submission = make_submission(room.consultation, room.alice_org, texts={"q1": "Our view."})
    alice = signed_in_client(room.alice)
    assert "Copy into our submission" in _board(alice, room)
    response = alice.post(f"/contributions/{point.id}/copy", data={"target": f"{submission.id}:q1"})
    assert response.status_code == 303
    section = db.session.scalar(select(Section).where(Section.submission_id == submission.id))
    assert section.text == "Our view.\n\nBan recruitment fees."
    db.session.refresh(point)
    assert point.taken_into_submission_id == submission.id
    # Bob writes for another organization: he cannot copy Alice's point anywhere.
    bob_try = signed_in_client(room.bob).post(
        f"/contributions/{point.id}/copy", data={"target": f"{submission.id}:q1"}
    )
    assert bob_try.status_code == 403


def test_board_takes_no_points_outside_the_session(signed_in_client, db, room, clock):
    from datetime import timedelta

    clock.set(room.session.ends_at + timedelta(minutes=1))
    response = _post(signed_in_client(room.alice), room, "Too late?")
    assert response.status_code == 422
    assert "The session is not live" in response.get_data(as_text=True)
    assert db.session.scalar(select(Contribution)) is None
