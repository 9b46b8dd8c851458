"""Flags, the queue per consultation, hiding with a reason, and the audit trail."""

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.moderation.models import Flag
from app.notifications.models import Notification
from tests.factories import (
    make_consultation,
    make_contribution,
    make_org,
    make_session,
    make_submission,
    make_user,
    register_for,
)


def _comment_world(db):
    from app.submissions.comments import add_comment
    from app.timeutil import utcnow

    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    owner, editor = make_user(), make_user()
    org = make_org(owner, members={editor: "editor"})
    submission = make_submission(consultation, org, texts={"q1": "Draft."})
    from flask import current_app

    with current_app.test_request_context("/"):
        comment = add_comment(
            editor, submission.section("q1"), "You are useless.", None, None, utcnow()
        )
    db.session.commit()
    return facilitator, consultation, owner, editor, comment


def test_flag_goes_to_the_consultation_queue_and_hiding_tells_the_author(signed_in_client, db):
    facilitator, consultation, owner, editor, comment = _comment_world(db)
    owner_client = signed_in_client(owner)
    response = owner_client.post(
        f"/flag/comment/{comment.id}", data={"reason": "abuse", "details": "Insulting."}
    )
    assert response.status_code == 303
    flag = db.session.scalar(select(Flag))
    assert (flag.target_type, flag.reason, flag.consultation_id) == (
        "comment",
        "abuse",
        consultation.id,
    )
    owner_client.post(f"/flag/comment/{comment.id}", data={"reason": "abuse"})
    assert len(db.session.scalars(select(Flag)).all()) == 1  # once per person
    told = db.session.scalar(select(Notification).where(Notification.user_id == facilitator.id))
    assert told.kind == "moderation.flagged"

    staff = signed_in_client(facilitator)
    queue = staff.get(f"/consultations/{consultation.slug}/moderation").get_data(as_text=True)
    assert "You are useless." in queue and "Insulting." in queue

    staff.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "Be respectful."})
    db.session.refresh(comment)
    db.session.refresh(flag)
    assert comment.hidden_reason == "Be respectful."
    assert (flag.outcome, flag.resolved_at is not None) == ("hidden", True)
    note = db.session.scalar(
        select(Notification).where(
            Notification.user_id == editor.id, Notification.kind == "moderation.hidden"
        )
    )
    assert note.params["reason"] == "Be respectful."

    section_url = f"/submissions/{comment.section.submission_id}/sections/q1"
    author_view = signed_in_client(editor).get(section_url).get_data(as_text=True)
    assert "Reason: Be respectful." in author_view and "You are useless." in author_view
    owner_view = owner_client.get(section_url).get_data(as_text=True)
    assert "You are useless." not in owner_view and "Hidden by a facilitator." in owner_view

    staff.post(f"/moderation/comment/{comment.id}/unhide", data={"reason": "Apology made."})
    db.session.refresh(comment)
    assert comment.hidden_reason is None
    actions = [
        e.action
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        if e.action.startswith("moderation.")
    ]
    assert actions == ["moderation.flagged", "moderation.hidden", "moderation.unhidden"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("moderation.%")))
    assert all(e.details["consultation"] == consultation.id for e in events)


def test_hide_without_a_reason_changes_nothing(signed_in_client, db):
    facilitator, _consultation, _owner, _editor, comment = _comment_world(db)
    signed_in_client(facilitator).post(
        f"/moderation/comment/{comment.id}/hide", data={"reason": ""}
    )
    db.session.refresh(comment)
    assert comment.hidden_reason is None


def test_people_who_cannot_see_a_text_cannot_flag_it(signed_in_client, db):
    _facilitator, _consultation, _owner, _editor, comment = _comment_world(db)
    stranger = make_user()
    response = signed_in_client(stranger).post(
        f"/flag/comment/{comment.id}", data={"reason": "spam"}
    )
    assert response.status_code == 404
    assert db.session.scalar(select(Flag)) is None


def test_flag_form_keeps_the_details_when_no_reason_is_chosen(signed_in_client, db):
    _facilitator, _consultation, owner, _editor, comment = _comment_world(db)
    response = signed_in_client(owner).post(
        f"/flag/comment/{comment.id}", data={"details": "He keeps doing this."}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fill in this field." in body and "He keeps doing this." in body


def test_dismissed_flags_keep_the_text_and_the_log_hides_who_flagged(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    alice, bob = make_user(display_name="Alice Flagger"), make_user()
    alice_org, bob_org = make_org(alice), make_org(bob)
    from tests.factories import join_consultation

    join_consultation(consultation, alice_org)
    join_consultation(consultation, bob_org)
    session = make_session(consultation)
    register_for(session, alice, alice_org)
    register_for(session, bob, bob_org)
    point = make_contribution(session, bob, bob_org, body="A strong opinion.")
    signed_in_client(alice).post(f"/flag/contribution/{point.id}", data={"reason": "off-topic"})
    staff = signed_in_client(facilitator)
    staff.post(f"/moderation/contribution/{point.id}/dismiss")
    db.session.refresh(point)
    assert point.state == "approved"
    flag = db.session.scalar(select(Flag))
    assert flag.outcome == "dismissed"
    queue = staff.get(f"/consultations/{consultation.slug}/moderation").get_data(as_text=True)
    assert "Nothing is flagged." in queue
    assert "flags closed, text kept" in queue
    assert "Alice Flagger" not in queue


def test_code_of_conduct_explains_flags_and_links_to_safety_reports(client):
    page = client.get("/code-of-conduct").get_data(as_text=True)
    assert "What happens when something is flagged" in page
    assert 'href="/safety/report"' in page


def test_queue_makes_a_fixed_number_of_queries(signed_in_client, db, count_queries):
    from app.submissions.comments import add_comment
    from app.timeutil import utcnow

    facilitator, consultation, owner, editor, comment = _comment_world(db)
    session = make_session(consultation, state="live")
    member = make_user()
    org = make_org(member)
    register_for(session, member, org)
    section = comment.section
    staff = signed_in_client(facilitator)
    url = f"/consultations/{consultation.slug}/moderation"

    def flag_more(first: int, count: int) -> None:
        from flask import current_app

        for number in range(first, first + count):
            with current_app.test_request_context("/"):
                text = add_comment(editor, section, f"Comment {number}", None, None, utcnow())
            point = make_contribution(session, member, org, body=f"Point {number}")
            for kind, target in (("comment", text), ("contribution", point)):
                db.session.add(
                    Flag(
                        consultation_id=consultation.id,
                        target_type=kind,
                        target_id=target.id,
                        reporter_id=owner.id,
                        reason="abuse",
                        created_at=utcnow(),
                    )
                )
        db.session.commit()

    flag_more(0, 2)
    with count_queries() as small:
        assert "Point 1" in staff.get(url).get_data(as_text=True)
    flag_more(2, 10)
    with count_queries() as large:
        assert "Point 11" in staff.get(url).get_data(as_text=True)
    assert len(large) == len(small)
