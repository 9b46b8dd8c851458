"""Safety reports: sealed, readable by their focal points only, followed with a code."""

import re

from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.consultations.models import ConsultationStaff
from app.mail import SENT
from app.notifications.models import Notification
from app.safeguarding.models import InstanceFocalPoint, SafetyMessage, SafetyReport
from tests.factories import enrol_key, make_consultation, make_user, sign_in_with_password

SECRET = "The labour attaché photographed us after the consultation."
CONTACT = "Signal, ask for Ana"


def _world(db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    focal_point = make_user(role="member", two_factor=True, email="fp@example.org")
    other_focal_point = make_user(two_factor=True)
    other = make_consultation()
    consultation.staff.append(ConsultationStaff(user_id=focal_point.id, role="focal-point"))
    other.staff.append(ConsultationStaff(user_id=other_focal_point.id, role="focal-point"))
    instance_focal_point = make_user(two_factor=True, email="ifp@example.org")
    db.session.add(InstanceFocalPoint(user_id=instance_focal_point.id))
    db.session.commit()
    for person in (focal_point, other_focal_point, instance_focal_point):
        enrol_key(person)
    return consultation, facilitator, focal_point, other_focal_point, instance_focal_point


def _report(client, consultation_slug="", **extra):
    data = {
        "consultation": consultation_slug,
        "what_happened": SECRET,
        "when": "Last Tuesday",
        "affected": "someone",
        "wishes": ["talk", "un"],
        "contact": CONTACT,
        **extra,
    }
    response = client.post("/safety/report", data=data)
    match = re.search(r"<code>([A-Z0-9-]{24})</code>", response.get_data(as_text=True))
    return response, match.group(1) if match else None


def _unlocked(app, user):
    client = app.test_client()
    sign_in_with_password(client, user)
    return client


def test_anonymous_report_is_sealed_and_read_by_the_consultation_focal_point_only(
    app, client, signed_in_client, db
):
    consultation, facilitator, focal_point, other_focal_point, instance_fp = _world(db)
    response, code = _report(client, consultation.slug)
    assert response.status_code == 200 and code
    assert "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]

    report = db.session.scalar(select(SafetyReport))
    assert (report.reporter_id, report.for_instance, report.status) == (None, False, "received")
    raw = db.session.execute(
        text("SELECT content, sealed_content, code_hash FROM safety_reports")
    ).one()
    assert raw.content is None and b"photographed" not in bytes(raw.sealed_content)
    assert code.replace("-", "") not in raw.code_hash

    url = f"/safety/reports/{report.id}"
    readable = _unlocked(app, focal_point).get(url)
    assert readable.status_code == 200
    body = readable.get_data(as_text=True)
    assert SECRET in body and CONTACT in body and "Anonymous" in body
    for outsider in (other_focal_point, instance_fp, facilitator, make_user(role="admin")):
        assert signed_in_client(outsider).get(url).status_code == 404
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("safety.%")))
    events = {(e.action, e.actor_id) for e in audit}
    assert ("safety.report_received", None) in events  # no actor on the report itself
    assert ("safety.report_read", focal_point.id) in events


def test_notifications_and_emails_say_only_that_a_report_arrived(client, db):
    consultation, _f, focal_point, _o, _i = _world(db)
    SENT.clear()
    _report(client, consultation.slug)
    notes = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind, n.params) for n in notes] == [(focal_point.id, "safety.report", {})]
    assert SENT, "the focal point gets an e-mail"
    for message in SENT:
        text_of_mail = str(message)
        assert "photographed" not in text_of_mail and CONTACT not in text_of_mail
        assert "Tuesday" not in text_of_mail


def test_general_reports_and_reports_without_a_focal_point_go_to_the_instance(
    client, signed_in_client, db
):
    _consultation, _f, focal_point, _o, instance_fp = _world(db)
    no_focal_point = make_consultation()
    _report(client, "")
    _report(client, no_focal_point.slug)
    reports = db.session.scalars(select(SafetyReport).order_by(SafetyReport.id)).all()
    assert [r.for_instance for r in reports] == [True, True]
    inbox = signed_in_client(instance_fp).get("/safety/inbox").get_data(as_text=True)
    assert inbox.count("/safety/reports/") == 2
    assert "/safety/reports/" not in signed_in_client(focal_point).get("/safety/inbox").get_data(
        as_text=True
    )


def test_focal_point_without_a_second_factor_reads_nothing(client, signed_in_client, db):
    consultation = make_consultation()
    person = make_user()  # a member, no second factor
    consultation.staff.append(ConsultationStaff(user_id=person.id, role="focal-point"))
    db.session.commit()
    _report(client, consultation.slug)
    report = db.session.scalar(select(SafetyReport))
    assert signed_in_client(person).get(f"/safety/reports/{report.id}").status_code == 404
    assert signed_in_client(person).get("/safety/inbox").status_code == 403


def test_reporter_follows_with_the_code_and_exchanges_messages(app, client, db):
    consultation, _f, focal_point, _o, _i = _world(db)
    _response, code = _report(client, consultation.slug)
    report = db.session.scalar(select(SafetyReport))
    fp = _unlocked(app, focal_point)
    fp.post(f"/safety/reports/{report.id}/status", data={"status": "in-review"})
    fp.post(f"/safety/reports/{report.id}/reply", data={"body": "We can talk on Friday."})

    wrong = client.post("/safety/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert wrong.status_code == 422 and "No report has this code." in wrong.get_data(as_text=True)
    page = client.post("/safety/follow-up", data={"code": code.lower().replace("-", " ")})
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A focal point is looking at it" in body and "We can talk on Friday." in body
    assert SECRET not in body  # the status page does not repeat the report

    client.post("/safety/follow-up/message", data={"code": code, "body": "Friday is fine."})
    messages = db.session.scalars(select(SafetyMessage).order_by(SafetyMessage.id)).all()
    assert [(m.from_focal_point, m.body) for m in messages] == [(True, None), (False, None)]
    raw = db.session.execute(text("SELECT sealed_body FROM safety_messages")).scalars().all()
    assert all(b"Friday" not in bytes(value) for value in raw)
    page = fp.get(f"/safety/reports/{report.id}").get_data(as_text=True)
    assert "We can talk on Friday." in page and "Friday is fine." in page
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert "safety.message" in kinds and "safety.update" not in kinds  # anonymous: no one to tell


def test_named_report_tells_the_reporter_of_updates(app, signed_in_client, db):
    consultation, _f, focal_point, _o, _i = _world(db)
    reporter = make_user(display_name="Rina Reporter")
    client = signed_in_client(reporter)
    _report(client, consultation.slug, identity="named")
    report = db.session.scalar(select(SafetyReport))
    assert report.reporter_id == reporter.id
    fp = _unlocked(app, focal_point)
    assert "Rina Reporter" in fp.get(f"/safety/reports/{report.id}").get_data(as_text=True)
    fp.post(f"/safety/reports/{report.id}/reply", data={"body": "Thank you."})
    note = db.session.scalar(select(Notification).where(Notification.user_id == reporter.id))
    assert (note.kind, note.params) == ("safety.update", {})
    assert "Reports you made with your name" in client.get("/safety/follow-up").get_data(
        as_text=True
    )


def test_empty_report_comes_back_with_what_was_typed(client, db):
    response = client.post(
        "/safety/report", data={"what_happened": "", "when": "Yesterday", "contact": CONTACT}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fill in this field." in body and "Yesterday" in body and CONTACT in body
    assert db.session.scalar(select(SafetyReport)) is None


def test_report_page_explains_consent_and_other_help_in_every_language(client):
    for locale in ("en", "id", "fil", "ne", "ar"):
        client.post("/language", data={"locale": locale, "next": "/safety/report"})
        body = client.get("/safety/report").get_data(as_text=True)
        assert "reprisals@ohchr.org" in body and "help@accessnow.org" in body
        assert f'lang="{locale}"' in body
