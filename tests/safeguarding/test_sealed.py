"""Sealed safety reports: the server's own keys open nothing; focal points by nomination."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path

import nacl.exceptions
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from PIL import Image
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.auth.models import AccountSession
from app.consultations.models import ConsultationStaff
from app.notifications.models import Notification
from app.safeguarding.models import (
    FocalPointNomination,
    InstanceFocalPoint,
    ReportEnvelope,
    SafetyMessage,
    SafetyReport,
)
from app.safeguarding.services import code_hash
from app.security import DecryptionError, decrypt_text
from tests.factories import (
    PASSWORD,
    enrol_key,
    make_consultation,
    make_user,
    sign_in_with_password,
)

SECRET = "The recruiter came to my dormitory after I spoke."
REPLY = "We can meet on Friday, if that is safe for you."
ADDED = "He came back with two others."
NEW_PASSWORD = "a quite different passphrase for 2026"


def _focal_point(db, consultation, **kwargs):
    person = make_user(two_factor=True, **kwargs)
    consultation.staff.append(ConsultationStaff(user_id=person.id, role="focal-point"))
    db.session.commit()
    person.recovery_key = enrol_key(person)
    return person


def _unlocked(app, person, password=PASSWORD):
    client = app.test_client()
    sign_in_with_password(client, person, password)
    return client


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def _file_report(client, slug, **extra):
    data = {"consultation": slug, "what_happened": SECRET, "affected": "me", **extra}
    response = client.post("/safety/report", data=data, content_type="multipart/form-data")
    match = re.search(r"<code>([A-Z0-9-]{24})</code>", response.get_data(as_text=True))
    return response, match.group(1) if match else None


def _server_keys(app) -> list[bytes]:
    """Every key the server has, raw and as the app derives them (32 bytes each)."""
    from app.security import _keys, _lookup_key

    data_keys = list(_keys(app.config["DATA_ENCRYPTION_KEY"]))
    secret = app.config["SECRET_KEY"].encode()
    return [
        *data_keys,
        _lookup_key(app.config["DATA_ENCRYPTION_KEY"]),
        hashlib.sha256(secret).digest(),
        hashlib.sha256(b"safety-code:" + secret).digest(),
        secret[:32].ljust(32, b"\0"),
    ]


def _everything_stored(db, app) -> list[bytes | str]:
    """Every value of every row of every table, and every file the app wrote."""
    values: list[bytes | str] = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            values += [v if isinstance(v, bytes | str) else str(v) for v in row if v is not None]
    for path in Path(app.config["UPLOAD_DIR"]).rglob("*"):
        if path.is_file():
            values.append(path.read_bytes())
    return values


def _opens_with(key: bytes, value: bytes) -> bool:
    for attempt in (
        lambda: SecretBox(key).decrypt(value),
        lambda: SealedBox(PrivateKey(key)).decrypt(value),
    ):
        try:
            attempt()
            return True
        except (nacl.exceptions.CryptoError, ValueError, TypeError):
            pass
    return False


def test_no_server_side_key_opens_a_report_its_file_or_its_messages(app, client, db):
    consultation = make_consultation()
    focal_point = _focal_point(db, consultation)
    _response, code = _file_report(
        client, consultation.slug, evidence=(io.BytesIO(_png()), "proof.png")
    )
    reader = _unlocked(app, focal_point)
    report = db.session.scalar(select(SafetyReport))
    assert reader.post(f"/safety/reports/{report.id}/reply", data={"body": REPLY}).status_code in (
        302,
        303,
    )
    client.post(
        "/safety/follow-up/message",
        data={"code": code, "body": ADDED, "evidence": (io.BytesIO(_png()), "more.png")},
        content_type="multipart/form-data",
    )
    page = reader.get(f"/safety/reports/{report.id}").get_data(as_text=True)
    assert SECRET in page and REPLY in page and ADDED in page and "proof.png" in page
    download = reader.get(f"/safety/reports/{report.id}/evidence")
    assert download.data.startswith(b"\x89PNG") and download.headers["Cache-Control"] == "no-store"

    db.session.expire_all()
    stored = _everything_stored(db, app)
    assert len(db.session.scalars(select(SafetyMessage)).all()) == 2
    plain = [SECRET, REPLY, ADDED, "proof.png", "more.png"]
    for value in stored:
        raw = value.encode() if isinstance(value, str) else value
        assert not any(p.encode() in raw for p in plain)
        assert not raw.startswith(b"\x89PNG")
        if isinstance(value, str) and value.startswith("v1:"):
            try:
                opened = decrypt_text(value)
            except DecryptionError:
                continue
            assert not any(p in opened for p in plain)
        for key in _server_keys(app):
            assert not _opens_with(key, raw), "a server-side key opened something"
    # What the session row keeps opens only with the random key in the browser's cookie.
    row = db.session.scalar(select(AccountSession).where(AccountSession.user_id == focal_point.id))
    assert row.unlocked_secret is not None
    assert not any(_opens_with(key, row.unlocked_secret) for key in _server_keys(app))


def test_only_the_cookie_of_a_signed_in_session_opens_a_report(app, client, db, clock):
    consultation = make_consultation()
    focal_point = _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    url = f"/safety/reports/{db.session.scalar(select(SafetyReport.id))}"

    # A session that the password did not unlock (made without it) asks for the password.
    from tests.factories import sign_in

    not_unlocked = app.test_client()
    sign_in(not_unlocked, focal_point)
    asked = not_unlocked.get(url)
    assert asked.status_code in (302, 303) and "/safety/unlock" in asked.headers["Location"]
    assert SECRET in _unlock_and_read(not_unlocked, asked.headers["Location"], url)
    not_unlocked.post("/sign-out")

    reader = _unlocked(app, focal_point)
    assert SECRET in reader.get(url).get_data(as_text=True)
    kept = reader.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    reader.post("/sign-out")
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], kept)
    after = replay.get(url)
    assert after.status_code in (302, 303) and SECRET not in after.get_data(as_text=True)

    idle = _unlocked(app, focal_point)
    assert SECRET in idle.get(url).get_data(as_text=True)
    clock.advance(app.config["IDLE_TIMEOUT"] * 2)
    late = idle.get(url)
    assert late.status_code in (302, 303) and SECRET not in late.get_data(as_text=True)
    assert db.session.scalar(select(AccountSession.id)) is None


def _unlock_and_read(client, unlock_url, url) -> str:
    wrong = client.post(unlock_url, data={"password": "not my password"})
    assert wrong.status_code == 422 and SECRET not in wrong.get_data(as_text=True)
    client.post(unlock_url, data={"password": PASSWORD})
    return client.get(url).get_data(as_text=True)


def test_an_admin_cannot_make_themselves_a_focal_point_by_any_route(
    app, client, signed_in_client, db
):
    consultation = make_consultation()
    _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    _file_report(client, "")
    admin = make_user(role="admin", email="admin@example.org")
    enrol_key(admin)
    browser = signed_in_client(admin)

    staff = browser.post(
        f"/consultations/{consultation.slug}/staff",
        data={"identifier": "admin@example.org", "role": "focal-point"},
    )
    general = browser.post("/safety/focal-points", data={"identifier": admin.username})
    for answer in (staff, general):
        assert answer.status_code == 422
        assert "You cannot propose yourself." in answer.get_data(as_text=True)
    assert db.session.scalar(select(FocalPointNomination.id)) is None
    assert db.session.scalar(select(InstanceFocalPoint.id)) is None
    assert admin.id not in consultation.staff_ids("focal-point")
    for report_id in db.session.scalars(select(SafetyReport.id)):
        assert browser.get(f"/safety/reports/{report_id}").status_code == 404


def test_a_focal_point_added_later_reads_an_earlier_report_only_once_it_is_shared(
    app, client, signed_in_client, db
):
    consultation = make_consultation()
    first = _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    report_id = db.session.scalar(select(SafetyReport.id))
    admin = make_user(role="admin")
    newcomer = make_user(two_factor=True, email="new@example.org")

    signed_in_client(admin).post(
        f"/consultations/{consultation.slug}/staff",
        data={"identifier": "new@example.org", "role": "focal-point"},
    )
    assert newcomer.id not in consultation.staff_ids("focal-point")  # proposed, not added
    nomination = db.session.scalar(select(FocalPointNomination))
    person = _unlocked(app, newcomer)
    accepted = person.post(f"/safety/nominations/{nomination.id}/accept")
    assert accepted.headers["Location"].endswith("/safety/key")
    shown = person.post("/safety/key", data={"password": PASSWORD}).get_data(as_text=True)
    recovery_key = re.search(r"<code>([A-Z0-9-]{34})</code>", shown).group(1)
    assert person.post("/safety/key/confirm", data={"recovery_key": "AAAA-BBBB"}).status_code == 422
    person.post("/safety/key/confirm", data={"recovery_key": recovery_key})
    db.session.expire_all()
    assert newcomer.id in consultation.staff_ids("focal-point")
    told = set(
        db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "safety.focal_point_joined")
        )
    )
    assert told == {first.id, admin.id}

    before = person.get(f"/safety/reports/{report_id}")
    assert before.status_code == 200 and SECRET not in before.get_data(as_text=True)
    assert "sealed before you became one of its focal points" in before.get_data(as_text=True)

    reader = _unlocked(app, first)
    assert "Share with" in reader.get(f"/safety/reports/{report_id}").get_data(as_text=True)
    reader.post(f"/safety/reports/{report_id}/share", data={"user_id": newcomer.id})
    assert SECRET in person.get(f"/safety/reports/{report_id}").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "safety.report_shared"))
    assert event.actor_id == first.id

    # Removing a focal point deletes what was sealed to them.
    staff_row = next(s for s in consultation.staff if s.user_id == newcomer.id)
    signed_in_client(admin).post(f"/consultations/{consultation.slug}/staff/{staff_row.id}/remove")
    remaining = db.session.scalars(select(ReportEnvelope.user_id)).all()
    assert remaining == [first.id]


def test_the_reporter_reads_a_reply_with_the_code_alone(app, client, db):
    app.config["RATELIMIT_SAFETY"] = "3 per hour"
    try:
        consultation = make_consultation()
        focal_point = _focal_point(db, consultation)
        _response, code = _file_report(client, consultation.slug)
        report_id = db.session.scalar(select(SafetyReport.id))
        _unlocked(app, focal_point).post(f"/safety/reports/{report_id}/reply", data={"body": REPLY})
        stored = db.session.scalar(select(SafetyMessage))
        assert stored.body is None and REPLY.encode() not in stored.sealed_body

        other = app.test_client()
        page = other.post("/safety/follow-up", data={"code": code}).get_data(as_text=True)
        assert REPLY in page and SECRET not in page
        wrong = other.post("/safety/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
        assert wrong.status_code == 422 and REPLY not in wrong.get_data(as_text=True)
        other.post("/safety/follow-up", data={"code": "AAAA-BBBB-CCCC-DDDD-EEEF"})
        limited = other.post("/safety/follow-up", data={"code": code})
        assert limited.status_code == 429 and REPLY not in limited.get_data(as_text=True)
    finally:
        app.config["RATELIMIT_SAFETY"] = "10 per hour"


def test_password_change_keeps_access_and_a_reset_loses_it_until_the_recovery_key(app, client, db):
    consultation = make_consultation()
    focal_point = _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    url = f"/safety/reports/{db.session.scalar(select(SafetyReport.id))}"
    reader = _unlocked(app, focal_point)
    reader.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert SECRET in reader.get(url).get_data(as_text=True)  # the new session is unlocked
    reader.post("/sign-out")
    assert SECRET in _unlocked(app, focal_point, NEW_PASSWORD).get(url).get_data(as_text=True)

    warning = client.get("/reset/recovery-code").get_data(as_text=True)
    assert "recovery key" in warning  # said before the reset
    reset = client.post(
        "/reset/recovery-code",
        data={
            "identifier": focal_point.username,
            "code": focal_point.recovery_codes_plain.pop(0),
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
        follow_redirects=True,
    )
    assert "did not follow the reset" in reset.get_data(as_text=True)  # and after
    person = _unlocked(app, focal_point)
    locked = person.get(url)
    assert locked.status_code == 200 and SECRET not in locked.get_data(as_text=True)
    assert "reset without your recovery key" in locked.get_data(as_text=True)

    restore = {"recovery_key": focal_point.recovery_key, "password": PASSWORD}
    bad = person.post("/safety/key/restore", data={**restore, "recovery_key": "ABCD-EFGH"})
    assert bad.status_code == 422
    person.post("/safety/key/restore", data=restore)
    assert SECRET in person.get(url).get_data(as_text=True)


def test_a_new_key_after_a_lost_recovery_key_reads_only_what_is_shared_again(app, client, db):
    consultation = make_consultation()
    forgetful = _focal_point(db, consultation)
    colleague = _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    report_id = db.session.scalar(select(SafetyReport.id))
    from app.auth.services import set_password
    from app.safeguarding.keys import password_was_reset
    from app.timeutil import utcnow

    set_password(forgetful, PASSWORD, utcnow(), reason="email_link")
    password_was_reset(forgetful, utcnow())
    db.session.commit()
    person = _unlocked(app, forgetful)
    refused = person.post("/safety/key/replace", data={"password": PASSWORD})
    assert refused.status_code == 422  # must say they understand what is lost
    shown = person.post("/safety/key/replace", data={"password": PASSWORD, "understood": "y"})
    recovery_key = re.search(r"<code>([A-Z0-9-]{34})</code>", shown.get_data(as_text=True))
    person.post("/safety/key/confirm", data={"recovery_key": recovery_key.group(1)})
    assert (
        db.session.scalar(select(ReportEnvelope.id).where(ReportEnvelope.user_id == forgetful.id))
        is None
    )
    assert SECRET not in person.get(f"/safety/reports/{report_id}").get_data(as_text=True)
    _unlocked(app, colleague).post(
        f"/safety/reports/{report_id}/share", data={"user_id": forgetful.id}
    )
    assert SECRET in person.get(f"/safety/reports/{report_id}").get_data(as_text=True)


def test_an_old_report_says_so_until_its_focal_point_enrols_then_is_sealed(
    app, signed_in_client, db
):
    consultation = make_consultation()
    focal_point = make_user(two_factor=True)
    consultation.staff.append(ConsultationStaff(user_id=focal_point.id, role="focal-point"))
    code = "ABCD-EFGH-JKMN-PQRS-TUVW"
    with app.test_request_context("/"):
        old = SafetyReport(
            consultation_id=consultation.id,
            content=json.dumps({"what_happened": SECRET}),
            code_hash=code_hash(code),
        )
    old.messages.append(SafetyMessage(from_focal_point=False, body=ADDED))
    db.session.add(old)
    db.session.commit()

    page = signed_in_client(focal_point).get(f"/safety/reports/{old.id}").get_data(as_text=True)
    assert SECRET in page and "still under the old encryption" in page
    person = _unlocked(app, focal_point)
    shown = person.post("/safety/key", data={"password": PASSWORD}).get_data(as_text=True)
    recovery_key = re.search(r"<code>([A-Z0-9-]{34})</code>", shown).group(1)
    person.post("/safety/key/confirm", data={"recovery_key": recovery_key})

    db.session.expire_all()
    raw = db.session.execute(text("SELECT content, sealed_content FROM safety_reports")).one()
    assert raw.content is None and SECRET.encode() not in bytes(raw.sealed_content)
    assert db.session.execute(text("SELECT body FROM safety_messages")).scalar() is None
    # The reporter came back only after sealing: their messages show once a focal point
    # has opened the report again (the server could not seal to a code it never had).
    reporter = app.test_client()
    waiting = reporter.post("/safety/follow-up", data={"code": code}).get_data(as_text=True)
    assert ADDED not in waiting and "once a focal point has opened your report" in waiting
    page = person.get(f"/safety/reports/{old.id}").get_data(as_text=True)
    assert SECRET in page and ADDED in page and "old encryption" not in page
    again = reporter.post("/safety/follow-up", data={"code": code}).get_data(as_text=True)
    assert ADDED in again


def test_a_report_that_does_not_decrypt_gives_a_clear_page(app, client, db):
    consultation = make_consultation()
    focal_point = _focal_point(db, consultation)
    _file_report(client, consultation.slug)
    envelope = db.session.scalar(select(ReportEnvelope))
    envelope.sealed_key = base64.b64decode(base64.b64encode(b"\0" * 80))
    db.session.commit()
    answer = _unlocked(app, focal_point).get(f"/safety/reports/{envelope.report_id}")
    assert answer.status_code == 409
    assert "could not be decrypted" in answer.get_data(as_text=True)
