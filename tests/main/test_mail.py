"""E-mail against a real SMTP server in this process (aiosmtpd): what it says, in which
language, when it goes out, and what happens when the server fails."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from app.consultations.models import ConsultationStaff, DeadlineReminder
from app.mail import MAX_ATTEMPTS, OutboxMessage, queue_email, send_due_emails
from app.notifications.models import Notification
from app.notifications.services import notify
from app.organizations.services import create_invitation
from app.timeutil import utcnow
from tests.factories import (
    enrol_key,
    join_consultation,
    make_consultation,
    make_org,
    make_session,
    make_user,
    register_for,
)


class Recorder:
    """Keeps what it receives; refuses while `refuse` says so."""

    def __init__(self):
        self.received: list = []
        self.tries = 0
        self.refuse: str | None = None

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.refuse:
            return self.refuse
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False
    )
    try:
        yield recorder
    finally:
        app.config.update(saved)
        controller.stop()


def _body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_notification_email_says_the_kind_of_event_only_and_hides_the_process(app, db, smtp):
    user = make_user(email="dewi@example.org")
    with app.test_request_context("/"):
        notify(user, "submission.comment", utcnow(), "/submissions/1", consultation="Quiet Title")
    db.session.commit()
    [message] = smtp.received
    assert message["Subject"] == "New on GCM consultations: a comment on your submission"
    assert "a comment on your submission" in _body(message)
    assert "Quiet Title" not in message.as_string()
    assert str(os.getpid()) not in message["Message-ID"]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_safety_report_and_replies_email_at_once_even_when_notices_are_unread(
    app, client, db, smtp
):
    consultation = make_consultation()
    focal_point = make_user(two_factor=True, email="fp@example.org")
    consultation.staff.append(ConsultationStaff(user_id=focal_point.id, role="focal-point"))
    db.session.commit()
    enrol_key(focal_point)
    reporter = make_user(email="reporter@example.org")
    with app.test_request_context("/"):
        for person in (focal_point, reporter):
            notify(person, "org.verified", utcnow(), None, org="Unread Group")
    db.session.commit()
    smtp.received.clear()
    response = client.post(
        "/safety/report",
        data={"consultation": consultation.slug, "what_happened": "They took our photos."},
    )
    assert response.status_code == 200
    with app.test_request_context("/"):
        notify(reporter, "safety.update", utcnow(), "/safety/follow-up")
        notify(focal_point, "safety.message", utcnow(), "/safety/inbox")
    db.session.commit()
    got = [(m["To"], m["Subject"]) for m in smtp.received]
    assert got == [
        ("fp@example.org", "New on GCM consultations: a new safety report"),
        ("reporter@example.org", "New on GCM consultations: a new message for you"),
        ("fp@example.org", "New on GCM consultations: a new message on a safety report"),
    ]
    for message in smtp.received:
        assert "photos" not in message.as_string()


def test_failed_email_is_retried_with_pauses_then_failed_counted_and_never_looped(
    app, db, smtp, clock, signed_in_client
):
    smtp.refuse = "451 4.3.0 Mailbox of <dewi@example.org> busy, try later"
    now = clock.set(utcnow())
    user = make_user(email="dewi@example.org")
    queue_email(user, "password_reset", token="abc")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert (message.attempts, message.failed_at) == (1, None)
    assert message.next_attempt_at == now + timedelta(minutes=2)
    assert message.last_error == "SMTPDataError: 451 4.3.0 Mailbox of [address] busy, try later"
    assert send_due_emails(now + timedelta(minutes=1)) == {"sent": 0, "waiting": 0, "failed": 0}
    for _step in range(20):  # far more rounds than tries: the sweep must stop by itself
        now += timedelta(hours=7)
        send_due_emails(now)
    db.session.refresh(message)
    assert smtp.tries == MAX_ATTEMPTS == message.attempts
    assert message.failed_at is not None and message.next_attempt_at is None

    admin = signed_in_client(make_user(role="admin"))
    assert "1 e-mail could not be sent." in admin.get("/admin/users").get_data(as_text=True)
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "SMTPDataError: 451 4.3.0 Mailbox of [address] busy" in page
    assert "dewi@example.org" not in page
    smtp.refuse = None
    assert admin.post("/admin/mail/retry").status_code == 303
    assert [m["To"] for m in smtp.received] == ["dewi@example.org"]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_server_without_starttls_fails_with_the_cause_shown(app, db, smtp):
    app.config["MAIL_USE_TLS"] = True  # the default; the test server offers no STARTTLS
    queue_email(make_user(email="dewi@example.org"), "password_reset", token="abc")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.last_error.startswith("SMTPNotSupportedError: STARTTLS extension not supported")
    assert smtp.received == []


def _invite(app, db, org, sender, address):
    with app.test_request_context("/"):
        create_invitation(sender, org, "viewer", utcnow(), email=address)
    db.session.commit()


def test_invitations_are_in_the_recipients_language_else_the_organizations(app, db, smtp):
    sender = make_user(locale="ar")
    make_user(email="known@example.org", locale="id")
    nepali = make_org(sender, languages=("en", "ne"), countries=("MY",))
    filipino = make_org(sender, languages=("en",), countries=("PH",))
    elsewhere = make_org(sender, languages=(), countries=("MY",))
    _invite(app, db, nepali, sender, "known@example.org")
    _invite(app, db, nepali, sender, "new@example.org")
    _invite(app, db, filipino, sender, "new2@example.org")
    _invite(app, db, elsewhere, sender, "new3@example.org")
    known, new_ne, new_fil, new_ar = (_body(m) for m in smtp.received)
    english_note = "This message from GCM consultations is written in another language."
    assert "Anda diundang" in known and english_note not in known
    assert english_note in new_ne and "You are invited" not in new_ne
    assert english_note in new_fil and "You are invited" not in new_fil
    assert english_note in new_ar and "You are invited" not in new_ar
    assert len({known, new_ne, new_fil, new_ar}) == 4  # four languages


def test_reminders_count_as_emailed_only_once_a_mail_server_really_sends_them(app, db, smtp):
    owner = make_user(email="owner@example.org")
    org = make_org(owner)
    consultation = make_consultation(deadline=utcnow() + timedelta(hours=20))
    join_consultation(consultation, org)
    register_for(make_session(consultation, state="upcoming"), owner, org)
    runner = app.test_cli_runner()

    app.config["MAIL_BACKEND"] = "none"
    first = runner.invoke(args=["consultations", "send-reminders"]).output
    assert "1 organization(s) reminded of deadlines in the app, 0 by e-mail" in first
    assert "No mail server is configured" in first
    assert db.session.scalar(select(DeadlineReminder.emailed_at)) is None
    shown = db.session.scalar(select(func.count(Notification.id)))
    assert shown >= 1 and smtp.received == []

    app.config["MAIL_BACKEND"] = "smtp"
    second = runner.invoke(args=["consultations", "send-reminders"]).output
    assert "0 organization(s) reminded of deadlines in the app, 1 by e-mail" in second
    assert db.session.scalar(select(func.count(Notification.id))) == shown  # not shown twice
    assert {m["Subject"] for m in smtp.received} == {
        "New on GCM consultations: a deadline reminder"
    }
    third = runner.invoke(args=["consultations", "send-reminders"]).output
    assert "0 by e-mail" in third and len(smtp.received) == 1
