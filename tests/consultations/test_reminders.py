from datetime import timedelta

from sqlalchemy import func, select

from app.consultations.reminders import send_deadline_reminders
from app.notifications.models import Notification
from app.timeutil import utcnow
from tests.factories import join_consultation, make_consultation, make_org, make_user


def _kinds(db, user):
    return sorted(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id))
    )


def test_reminders_go_out_seven_days_and_one_day_before_once(app, db):
    now = utcnow()
    owner, editor, viewer = make_user(), make_user(), make_user()
    org = make_org(owner, members={editor: "editor", viewer: "viewer"})
    consultation = make_consultation(deadline=now + timedelta(days=10))
    join_consultation(consultation, org)
    with app.test_request_context("/"):
        assert send_deadline_reminders(now) == 0  # 10 days left: nothing yet
        assert send_deadline_reminders(now + timedelta(days=3, hours=1)) == 1
        assert send_deadline_reminders(now + timedelta(days=3, hours=2)) == 0  # only once
        db.session.commit()
        assert send_deadline_reminders(now + timedelta(days=9, hours=1)) == 1
        db.session.commit()
    assert _kinds(db, owner) == ["consultation.deadline_1d", "consultation.deadline_7d"]
    assert _kinds(db, editor) == _kinds(db, owner)
    assert _kinds(db, viewer) == []


def test_no_reminder_for_organizations_that_did_not_join(app, db):
    now = utcnow()
    owner = make_user()
    invited = make_org(owner)
    consultation = make_consultation(deadline=now + timedelta(hours=20))
    join_consultation(consultation, invited, state="invited")
    with app.test_request_context("/"):
        assert send_deadline_reminders(now) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_reminders_command_for_cron(app, db):
    owner = make_user()
    consultation = make_consultation(deadline=utcnow() + timedelta(hours=20))
    join_consultation(consultation, make_org(owner))
    result = app.test_cli_runner().invoke(args=["consultations", "send-reminders"])
    assert result.exit_code == 0 and "1 organization(s) reminded" in result.output
    # The same run tells that the consultation is open (a phase notice, sent once).
    assert _kinds(db, owner) == ["consultation.deadline_1d", "consultation.opened"]
    again = app.test_cli_runner().invoke(args=["consultations", "send-reminders"])
    assert "0 phase notice(s)" in again.output
    assert _kinds(db, owner) == ["consultation.deadline_1d", "consultation.opened"]
