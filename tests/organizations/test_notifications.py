from sqlalchemy import select

from app.mail import SENT
from app.notifications.models import Notification
from app.notifications.services import notify
from app.timeutil import utcnow
from tests.factories import make_user


def test_unread_count_fragment_and_marking_read(signed_in_client, db):
    user = make_user()
    notify(user, "org.verified", utcnow(), "/organizations", org="A")
    notify(user, "org.verified", utcnow(), None, org="B")
    db.session.commit()
    client = signed_in_client(user)
    badge = client.get("/notifications/count", headers={"HX-Request": "true"})
    assert '<span class="count">2</span>' in badge.get_data(as_text=True)
    first = db.session.scalar(select(Notification).where(Notification.link.is_not(None)))
    response = client.post(f"/notifications/{first.id}/read")
    assert response.headers["Location"] == "/organizations"
    badge = client.get("/notifications/count").get_data(as_text=True)
    assert '<span class="count">1</span>' in badge
    client.post("/notifications/read-all")
    assert "count" not in client.get("/notifications/count").get_data(as_text=True)


def test_someone_elses_notification_cannot_be_opened(signed_in_client, db):
    owner = make_user()
    note = notify(owner, "org.verified", utcnow(), None, org="A")
    db.session.commit()
    other = signed_in_client(make_user())
    assert other.post(f"/notifications/{note.id}/read").status_code == 404
    db.session.refresh(note)
    assert note.read_at is None


def test_one_email_per_batch_of_unread_notifications(db):
    user = make_user(email="someone@example.org")
    for name in ("Alpha Group", "Beta Group", "Gamma Group"):
        notify(user, "org.verified", utcnow(), None, org=name)
        db.session.commit()
    assert len(SENT) == 1
    body = SENT[0].get_content()
    assert "Group" not in body and "/notifications" in body


def test_polling_the_badge_does_not_keep_the_session_alive(signed_in_client, app, clock):
    start = clock.set(utcnow())
    client = signed_in_client(make_user())
    idle = app.config["IDLE_TIMEOUT"]
    for step in (0.5, 0.9):
        clock.set(start + idle * step)
        assert client.get("/notifications/count").status_code == 200
    clock.set(start + idle * 1.2)
    assert client.get("/account").status_code == 302
