import json

from sqlalchemy import select

from app.account.services import deletion_check
from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.passwords import verify_password
from app.mail import SENT
from tests.factories import PASSWORD, make_user

NEW = "river stones under the bridge"


def test_profile_changes_name_language_and_time_zone(signed_in_client, db):
    user = make_user()
    client = signed_in_client(user)
    response = client.post(
        "/account/profile",
        data={"display_name": "Dewi", "locale": "id", "timezone": "Asia/Jakarta"},
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.display_name, user.locale, user.timezone) == ("Dewi", "id", "Asia/Jakarta")
    assert 'lang="id"' in client.get("/account").get_data(as_text=True)


def test_profile_refuses_unknown_language_and_keeps_typed_name(signed_in_client):
    client = signed_in_client(make_user())
    response = client.post(
        "/account/profile", data={"display_name": "Dewi K.", "locale": "xx", "timezone": ""}
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="Dewi K."' in body
    assert "Not a valid choice." in body


def test_change_password_needs_the_current_one(signed_in_client, db):
    user = make_user()
    client = signed_in_client(user)
    data = {"current_password": "wrong", "password": NEW, "password_confirm": NEW}
    assert client.post("/account/password", data=data).status_code == 422
    data["current_password"] = PASSWORD
    assert client.post("/account/password", data=data).status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    assert client.get("/account").status_code == 200  # this device stays signed in


def test_change_password_signs_out_other_devices(signed_in_client, db):
    user = make_user()
    laptop = signed_in_client(user)
    phone = signed_in_client(user)
    assert phone.get("/account").status_code == 200
    laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW, "password_confirm": NEW},
    )
    signed_out = phone.get("/account")
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]
    assert phone.get("/account").status_code == 302  # the cookie stays worthless
    assert laptop.get("/account").status_code == 200  # the device that changed it stays in
    assert verify_password(db.session.get(User, user.id).password_hash, NEW)


def test_new_email_counts_after_confirmation_and_can_be_removed(signed_in_client, db):
    user = make_user()
    client = signed_in_client(user)
    client.post("/account/email", data={"email": "dewi@example.org"})
    db.session.refresh(user)
    assert user.email is None
    link = next(x for x in SENT[-1].get_content().splitlines() if "/confirm-email/" in x)
    client.get(link.strip().replace("http://localhost", ""))
    db.session.refresh(user)
    assert user.email == "dewi@example.org"
    client.post("/account/email", data={"email": ""})
    db.session.refresh(user)
    assert user.email is None and user.email_lookup is None


def test_confirming_an_address_taken_meanwhile_says_so_only_to_its_owner(signed_in_client, db):
    first = make_user()
    client = signed_in_client(first)
    client.post("/account/email", data={"email": "shared@example.org"})
    link = next(x for x in SENT[-1].get_content().splitlines() if "/confirm-email/" in x)
    make_user(email="shared@example.org")
    response = client.get(link.strip().replace("http://localhost", ""))
    assert "used by another account" in response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.email is None


def test_recovery_codes_can_be_replaced(signed_in_client, db):
    user = make_user()
    old = user.recovery_codes_plain
    client = signed_in_client(user)
    response = client.post("/account/recovery-codes", data={"codes-current_password": PASSWORD})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.count("<li><code>") == 10
    assert not any(code in body for code in old)


def test_export_holds_my_data_and_nobody_elses(signed_in_client):
    me = make_user(display_name="Dewi", email="dewi@example.org")
    make_user(display_name="Somebody Else", email="else@example.org")
    response = signed_in_client(me).get("/account/export")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["display_name"] == "Dewi"
    assert data["account"]["email"] == "dewi@example.org"
    assert data["account"]["unused_recovery_codes"] == 10
    assert any(event["action"] == "account.created" for event in data["security_events"])
    assert "Somebody Else" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data["account"])


def test_delete_account_needs_password_and_leaves_no_timeline(signed_in_client, db):
    user = make_user()
    user_id = user.id
    client = signed_in_client(user)
    assert client.post("/account/delete", data={"delete-current_password": "x"}).status_code == 422
    assert (
        client.post("/account/delete", data={"delete-current_password": PASSWORD}).status_code
        == 303
    )
    assert db.session.get(User, user_id) is None
    # The account's own events go; the deletion itself stays, linked to nobody.
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.actor_id, e.subject_id) for e in events] == [
        ("account.deleted", None, None)
    ]
    assert client.get("/account").status_code == 302


def test_deletion_checks_can_block_with_reasons(signed_in_client, db):
    from app.account import services

    @deletion_check
    def always_blocked(user):
        return ["You are the last owner of Test Org."]

    try:
        user = make_user()
        response = signed_in_client(user).post(
            "/account/delete", data={"delete-current_password": PASSWORD}
        )
        assert response.status_code == 409
        assert "You are the last owner of Test Org." in response.get_data(as_text=True)
        assert db.session.get(User, user.id) is not None
    finally:
        services.DELETION_CHECKS.remove(always_blocked)
