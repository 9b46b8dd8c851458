"""Every submission notification says what happened and links to it (the journey)."""

from sqlalchemy import select

from app.notifications.messages import EMAIL_EVENTS, MESSAGES, describe
from app.notifications.models import Notification
from app.submissions import services
from app.submissions.comments import add_comment
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user


def test_each_step_of_a_submission_notifies_with_what_happened_and_a_link(app, db):
    lead_owner, co_owner = make_user(), make_user()
    lead = make_org(lead_owner, name="Lead Group")
    co = make_org(co_owner, name="Partner Group")
    consultation = make_consultation(title="Review 2026")
    submission = make_submission(consultation, lead, texts={"q1": "Our text."})
    facilitator = consultation.staff[0].user
    now = utcnow()
    with app.test_request_context("/"):
        coauthor = services.invite_coauthor(lead_owner, submission, co, now)
        services.respond_to_invitation(co_owner, coauthor, True, "named", now)
        add_comment(co_owner, submission.section("q1"), "A question.", None, None, now)
        services.request_submission(lead_owner, submission, now)
        services.sign_off(co_owner, submission, co, now)
        services.return_with_feedback(facilitator, submission, "Shorter, please.", now)
        db.session.commit()
        notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
        said = {(n.kind, describe(n)) for n in notes}
    assert {
        (
            "submission.coauthor_invited",
            "Partner Group is invited to co-write a submission to Review 2026.",
        ),
        ("submission.coauthor_accepted", "Partner Group agreed to co-write your submission."),
        ("submission.comment", "A new comment on the submission to Review 2026."),
        ("submission.sign_off", "Please confirm the final text of the submission to Review 2026."),
        ("submission.submitted", "The submission to Review 2026 is sent."),
        ("submission.returned", "The submission to Review 2026 was returned with feedback."),
    } <= said
    assert all(n.link for n in notes)
    assert not any(text == "You have a new notification." for _kind, text in said)


def test_every_kind_of_notification_has_a_text_and_an_email_event():
    assert set(MESSAGES) == set(EMAIL_EVENTS)
