from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.auth.passwords import verify_password
from app.mail import SENT
from app.timeutil import utcnow
from tests.factories import make_user

NEW = "river stones under the bridge"


def _link_path() -> str:
    line = next(x for x in SENT[-1].get_content().splitlines() if "/reset/" in x)
    return line.strip().replace("http://localhost", "")


def _new_password(client, path, password=NEW):
    return client.post(path, data={"password": password, "password_confirm": password})


def test_reset_by_email_link_changes_password_once(client, db):
    user = make_user(email="amir@example.org")
    response = client.post("/reset", data={"email": "amir@example.org"})
    assert response.status_code == 200
    assert len(SENT) == 1
    path = _link_path()
    assert client.get(path).status_code == 200
    assert _new_password(client, path).status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    reused = client.get(path)
    assert reused.status_code == 404
    assert "This link does not work" in reused.get_data(as_text=True)


def test_reset_answer_is_the_same_whether_or_not_the_email_exists(client):
    make_user(email="amir@example.org")
    known = client.post("/reset", data={"email": "amir@example.org"}).get_data(as_text=True)
    unknown = client.post("/reset", data={"email": "nobody@example.org"}).get_data(as_text=True)
    assert known == unknown
    assert "If an account has this e-mail" in unknown
    assert len(SENT) == 1


def test_expired_reset_link_says_what_to_do(client, clock):
    make_user(email="amir@example.org")
    start = clock.set(utcnow())
    client.post("/reset", data={"email": "amir@example.org"})
    clock.set(start + timedelta(hours=1, seconds=1))
    response = client.get(_link_path())
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert "This link has expired" in body
    assert "/reset" in body


def test_reset_signs_out_other_sessions(client, signed_in_client):
    user = make_user(email="amir@example.org")
    phone = signed_in_client(user)
    client.post("/reset", data={"email": "amir@example.org"})
    _new_password(client, _link_path())
    assert phone.get("/account").status_code == 302


def test_reset_with_recovery_code_uses_it_up(client, db):
    user = make_user(username="amir")
    code = user.recovery_codes_plain[3]
    data = {"identifier": "amir", "code": code, "password": NEW, "password_confirm": NEW}
    assert client.post("/reset/recovery-code", data=data).status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW)
    again = client.post("/reset/recovery-code", data=data)
    assert again.status_code == 422


def test_reset_with_recovery_code_tells_nothing_about_the_account(client):
    make_user(username="amir")
    data = {"code": "aaaa-bbbb-cccc-dddd", "password": NEW, "password_confirm": NEW}
    wrong_code = client.post("/reset/recovery-code", data={"identifier": "amir", **data})
    no_account = client.post("/reset/recovery-code", data={"identifier": "ghost", **data})
    message = "This did not work. Check the name and the code."
    assert message in wrong_code.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)
    assert wrong_code.status_code == no_account.status_code == 422


def test_weak_new_password_is_refused_and_link_still_works(client, db):
    make_user(email="amir@example.org")
    client.post("/reset", data={"email": "amir@example.org"})
    path = _link_path()
    assert _new_password(client, path, "short").status_code == 422
    assert _new_password(client, path).status_code == 303
    assert db.session.scalar(select(User.id)) is not None
