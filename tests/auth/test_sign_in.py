import hashlib
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import AccountSession, Role
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import PASSWORD, make_user, totp_now


def sign_in(client, identifier, password=PASSWORD, **headers):
    return client.post(
        "/sign-in", data={"identifier": identifier, "password": password}, headers=headers
    )


def test_sign_in_with_name_or_confirmed_email(client, db):
    user = make_user(username="amir", email="amir@example.org")
    response = sign_in(client, "AMIR")
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    other = client.application.test_client()
    assert sign_in(other, "amir@example.org").status_code == 303
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert list(actions).count("sign_in") == 2


def test_wrong_password_and_unknown_name_get_the_same_answer(client):
    make_user(username="amir")
    wrong = sign_in(client, "amir", "not the password at all")
    unknown = sign_in(client, "nobody-here")
    assert wrong.status_code == unknown.status_code == 422
    message = "The name or the password is wrong."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_htmx_sign_in_redirects_with_hx_redirect(client):
    make_user(username="amir")
    response = sign_in(client, "amir", **{"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/"


def test_next_only_follows_local_paths(client):
    make_user(username="amir")
    response = client.post(
        "/sign-in?next=https://evil.example/", data={"identifier": "amir", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    other = client.application.test_client()
    response = other.post(
        "/sign-in?next=/account", data={"identifier": "amir", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"


def test_second_factor_is_asked_and_a_code_works_only_once(client):
    user = make_user(username="amir", two_factor=True)
    assert sign_in(client, "amir").headers["Location"] == "/sign-in/code"
    assert client.get("/account").status_code == 302  # not signed in yet
    code = totp_now(user)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 303
    assert client.get("/account").status_code == 200
    replay = client.application.test_client()
    sign_in(replay, "amir")
    response = replay.post("/sign-in/code", data={"code": code})
    assert response.status_code == 422
    assert "This code does not work" in response.get_data(as_text=True)


def test_recovery_code_replaces_the_app_code_once(client):
    user = make_user(username="amir", two_factor=True)
    code = user.recovery_codes_plain[0]
    sign_in(client, "amir")
    assert client.post("/sign-in/code", data={"code": code.upper()}).status_code == 303
    again = client.application.test_client()
    sign_in(again, "amir")
    assert again.post("/sign-in/code", data={"code": code}).status_code == 422


def test_code_step_expires_after_five_minutes(client, clock):
    user = make_user(username="amir", two_factor=True)
    clock.set(utcnow())
    sign_in(client, "amir")
    clock.advance(timedelta(seconds=301))
    response = client.post("/sign-in/code", data={"code": totp_now(user)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"


def test_sign_in_starts_a_fresh_session(client):
    make_user(username="amir")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["locale"] = "id"
    sign_in(client, "amir")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "id"  # the language choice is kept


def test_sign_out_everywhere_ends_other_sessions(client, signed_in_client):
    user = make_user(username="amir")
    phone = signed_in_client(user)
    laptop = signed_in_client(user)
    assert phone.get("/account").status_code == 200
    assert laptop.post("/sign-out-everywhere").status_code == 303
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 302


def test_sign_out_everywhere_is_audited_under_the_real_subject_type(signed_in_client, db):
    user = make_user(username="amir")
    before = db.session.scalar(select(func.max(AuditEvent.id)))
    assert signed_in_client(user).post("/sign-out-everywhere").status_code == 303
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before)).all()
    assert [event.action for event in events] == ["sessions.revoked"]
    # current_user is a proxy: the event names what it stands for, never "LocalProxy".
    assert {(event.subject_type, event.subject_id) for event in events} == {("User", user.id)}


def test_sign_out(signed_in_client):
    client = signed_in_client(make_user())
    assert client.post("/sign-out").status_code == 303
    assert client.get("/account").status_code == 302


def test_idle_session_is_signed_out(signed_in_client, app, clock):
    clock.set(utcnow())
    client = signed_in_client(make_user())
    assert client.get("/account").status_code == 200
    clock.advance(app.config["IDLE_TIMEOUT"] + timedelta(seconds=5))
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert db.session.scalar(select(func.count()).select_from(AccountSession)) == 0


def test_activity_keeps_the_session_alive(signed_in_client, app, clock):
    start = clock.set(utcnow())
    client = signed_in_client(make_user())
    idle = app.config["IDLE_TIMEOUT"]
    for step in (0.6, 1.2, 1.8):
        clock.set(start + idle * step)
        assert client.get("/account").status_code == 200


def test_idle_htmx_request_answers_401_without_redirect(signed_in_client, app, clock):
    clock.set(utcnow())
    client = signed_in_client(make_user())
    clock.advance(app.config["IDLE_TIMEOUT"] + timedelta(seconds=5))
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "signed out" in response.get_data(as_text=True)


def test_session_cookie_flags(client):
    make_user(username="amir")
    response = sign_in(client, "amir")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # ends with the idle timeout


def test_staff_without_second_factor_must_set_it_up_first(signed_in_client):
    facilitator = make_user(role=Role.FACILITATOR, two_factor=False)
    client = signed_in_client(facilitator)
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-factor"
    setup = client.get("/account/two-factor")
    assert setup.status_code == 200
    assert "<svg" in setup.get_data(as_text=True)
    from app.extensions import db

    db.session.refresh(facilitator)
    code = pyotp.TOTP(facilitator.totp_pending_secret).now()
    confirmed = client.post("/account/two-factor", data={"code": code})
    assert confirmed.status_code == 200
    assert confirmed.get_data(as_text=True).count("<li><code>") == 10
    assert client.get("/account").status_code == 200


def test_staff_cannot_turn_the_second_factor_off(signed_in_client, db):
    admin = make_user(role=Role.ADMIN)
    client = signed_in_client(admin)
    client.post("/account/two-factor/disable", data={"disable-current_password": PASSWORD})
    db.session.refresh(admin)
    assert admin.has_two_factor


def test_member_can_turn_the_second_factor_off_with_password(signed_in_client, db):
    member = make_user(two_factor=True)
    client = signed_in_client(member)
    wrong = client.post("/account/two-factor/disable", data={"disable-current_password": "nope"})
    assert wrong.status_code == 422
    client.post("/account/two-factor/disable", data={"disable-current_password": PASSWORD})
    db.session.refresh(member)
    assert not member.has_two_factor


def test_unused_pending_secret_is_stable_between_views(signed_in_client, db):
    member = make_user()
    client = signed_in_client(member)
    first = client.get("/account/two-factor").get_data(as_text=True)
    second = client.get("/account/two-factor").get_data(as_text=True)
    db.session.refresh(member)
    assert member.totp_pending_secret in first and member.totp_pending_secret in second


ADDRESS, AGENT = "203.0.113.77", "Mozilla/5.0 (Linux; Android 10; K) Test"


def _cookie_contents(client) -> dict:
    app = client.application
    raw = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    return app.session_interface.get_signing_serializer(app).loads(raw)


def test_the_session_cookie_holds_nothing_derived_from_the_address(client):
    make_user(username="amir")
    headers = {"User-Agent": AGENT, "X-Forwarded-For": "198.51.100.23"}
    response = client.post(
        "/sign-in",
        data={"identifier": "amir", "password": PASSWORD},
        headers=headers,
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    assert response.status_code == 303
    contents = _cookie_contents(client)
    allowed = {"_user_id", "_fresh", "_permanent", "sid", "locale", "_flashes", "csrf_token"}
    assert "_id" not in contents  # Flask-Login's hash of the address and browser
    assert set(contents) <= allowed
    text = repr(contents)
    for address in (ADDRESS, "198.51.100.23"):
        assert address not in text
        for agent in (AGENT, ""):
            digest = hashlib.sha512(f"{address}|{agent}".encode()).hexdigest()
            assert digest not in text


@pytest.mark.parametrize("path", ["/sign-out", "/sign-out-everywhere"])
def test_a_cookie_copied_before_signing_out_is_worthless_after(client, path):
    make_user(username="amir")
    sign_in(client, "amir")
    name = client.application.config["SESSION_COOKIE_NAME"]
    copied = client.get_cookie(name).value
    assert client.post(path).status_code == 303
    thief = client.application.test_client()
    thief.set_cookie(name, copied)
    assert thief.get("/account").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AccountSession)) == 0
