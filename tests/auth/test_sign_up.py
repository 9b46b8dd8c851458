from sqlalchemy import select

from app.auth.models import User
from app.mail import SENT
from tests.factories import PASSWORD, make_user


def _form(**overrides):
    data = {
        "display_name": "Rina",
        "username": "rina",
        "email": "",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def test_sign_up_creates_account_signs_in_and_shows_ten_recovery_codes(client, db):
    response = client.post("/sign-up", data=_form())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<li><code>") == 10
    user = db.session.scalar(select(User).where(User.username == "rina"))
    assert user.display_name == "Rina"
    assert user.password_hash.startswith("$argon2id$")
    assert len(user.recovery_codes) == 10
    assert client.get("/account").status_code == 200


def test_short_and_common_passwords_are_refused_and_typed_values_come_back(client, db):
    short = client.post("/sign-up", data=_form(password="short", password_confirm="short"))
    assert short.status_code == 422
    assert "at least 12 characters" in short.get_data(as_text=True)
    assert 'value="Rina"' in short.get_data(as_text=True)
    common = "qwerty123456"
    refused = client.post("/sign-up", data=_form(password=common, password_confirm=common))
    assert refused.status_code == 422
    assert "most common" in refused.get_data(as_text=True)
    guessable = "passwordpassword"
    weak = client.post("/sign-up", data=_form(password=guessable, password_confirm=guessable))
    assert weak.status_code == 422
    assert "too easy to guess" in weak.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_taken_sign_in_name_is_refused_next_to_the_field(client):
    make_user(username="rina")
    response = client.post("/sign-up", data=_form(), headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form")  # only the form fragment for htmx
    assert 'id="username-error"' in body
    assert 'aria-describedby="username-help username-error"' in body


def test_email_counts_only_after_confirmation_by_link(client, db, app):
    app.config["MAIL_BACKEND"] = "memory"
    client.post("/sign-up", data=_form(email="rina@example.org"))
    user = db.session.scalar(select(User).where(User.username == "rina"))
    assert user.email is None
    assert len(SENT) == 1 and SENT[0]["To"] == "rina@example.org"
    link = next(line for line in SENT[0].get_content().splitlines() if "/confirm-email/" in line)
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    db.session.refresh(user)
    assert user.email == "rina@example.org"
