from datetime import UTC, datetime

import pytest

from tests.factories import PASSWORD, make_user


def _try_sign_in(client, identifier, address="198.51.100.7"):
    return client.post(
        "/sign-in",
        data={"identifier": identifier, "password": "wrong password here"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_sign_in_is_limited_per_client(client):
    codes = [_try_sign_in(client, f"name{i}").status_code for i in range(11)]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429
    page = client.post(
        "/sign-in",
        data={"identifier": "x", "password": "y"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert "Too many tries" in page.get_data(as_text=True)


def test_sign_in_is_limited_per_account_across_clients(client):
    make_user(username="amir")
    codes = [_try_sign_in(client, "amir", address=f"198.51.100.{i}").status_code for i in range(11)]
    assert codes[10] == 429
    # Another account from a fresh address is not affected.
    assert _try_sign_in(client, "someone-else", address="203.0.113.9").status_code == 422


@pytest.mark.parametrize(
    ("path", "data", "allowed"),
    [
        ("/sign-up", {"display_name": "x"}, 5),
        ("/reset", {"email": "a@example.org"}, 5),
        ("/reset/recovery-code", {"identifier": "a"}, 5),
        ("/sign-in/code", {"code": "123456"}, 10),
    ],
)
def test_other_sensitive_forms_are_limited(client, path, data, allowed):
    user = make_user(username="amir", two_factor=True)
    if path == "/sign-in/code":
        client.post("/sign-in", data={"identifier": "amir", "password": PASSWORD})
    assert user.id
    statuses = [client.post(path, data=data).status_code for _ in range(allowed + 1)]
    assert 429 not in statuses[:allowed]
    assert statuses[allowed] == 429


def test_rate_limit_keys_hold_no_client_address(app):
    from app.security import rate_limit_key

    with app.test_request_context(environ_base={"REMOTE_ADDR": "192.0.2.44"}):
        key = rate_limit_key()
    assert "192.0.2.44" not in key
    assert len(key) == 24


def test_rate_limit_keys_change_every_day(app, clock):
    from app.security import account_rate_limit_key, rate_limit_key

    def keys():
        with app.test_request_context(
            method="POST", data={"identifier": "amir"}, environ_base={"REMOTE_ADDR": "192.0.2.44"}
        ):
            return rate_limit_key(), account_rate_limit_key()

    clock.set(datetime(2025, 3, 1, 0, 5, tzinfo=UTC))
    morning = keys()
    clock.set(datetime(2025, 3, 1, 23, 55, tzinfo=UTC))
    assert keys() == morning  # the same all day: limits hold
    clock.set(datetime(2025, 3, 2, 0, 5, tzinfo=UTC))
    next_day = keys()
    assert next_day[0] != morning[0] and next_day[1] != morning[1]
    assert "amir" not in next_day[1]


def _sign_up(client, number: int, address: str = "198.51.100.7", **fields):
    data = {
        "display_name": f"Person {number}",
        "username": f"person{number}",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        **fields,
    }
    return client.post("/sign-up", data=data, environ_base={"REMOTE_ADDR": address})


def test_many_people_can_sign_up_from_one_shared_address(app):
    # A workshop in an NGO's office: everyone creates an account from the same address.
    statuses = [_sign_up(app.test_client(), number).status_code for number in range(8)]
    assert statuses == [200] * 8


def test_refused_sign_ups_are_limited(app, client):
    for number in range(3):
        assert _sign_up(app.test_client(), number).status_code == 200
    refused = [_sign_up(client, 1).status_code for _ in range(6)]  # the name is taken
    assert refused == [422] * 5 + [429]


def test_too_many_tries_says_when_to_try_again_and_keeps_what_was_typed(client):
    for _ in range(5):
        _sign_up(client, 1, display_name="", username="bad name")
    page = _sign_up(client, 1, display_name="Rina")
    assert page.status_code == 429
    body = page.get_data(as_text=True)
    assert "Too many tries" in body
    assert "Try again in 60 minutes." in body  # a fresh window of "5 per hour"
    assert 3500 <= int(page.headers["Retry-After"]) <= 3600
    assert "Rina" in body and PASSWORD not in body


def test_too_many_tries_stays_on_the_page_with_htmx_and_is_translated(client):
    from app.web import HTMX_CONFIG

    for _ in range(10):
        _try_sign_in(client, "amir")
    answer = client.post(
        "/sign-in",
        data={"identifier": "amir", "password": "x"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        headers={"HX-Request": "true", "Accept-Language": "id"},
    )
    assert answer.status_code == 429
    fragment = answer.get_data(as_text=True)
    assert fragment.lstrip().startswith("<section")  # swapped in place of the form
    assert 'role="alert"' in fragment
    assert "Coba lagi dalam 5 menit." in fragment
    handling = HTMX_CONFIG["responseHandling"]
    rule = next(r for r in handling if r["code"] in ("429", "[45].."))
    assert rule == {"code": "429", "swap": True}


def test_a_limited_sign_up_says_when_on_the_page_not_in_a_toast(app, client):
    # Successes from the shared address do not count; five refused ones do.
    for number in range(6):
        assert _sign_up(app.test_client(), 100 + number).status_code == 200
    for _ in range(5):
        assert _sign_up(client, 1, username="bad name").status_code == 422
    answer = client.post(
        "/sign-up",
        data={"display_name": "Rina", "username": "rina2", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 429
    fragment = answer.get_data(as_text=True)
    assert fragment.lstrip().startswith("<section") and 'role="alert"' in fragment
    assert "Try again in 60 minutes." in fragment
    assert "Rina" in fragment  # what was typed comes back
    assert "HX-Retarget" not in answer.headers  # swapped where the form was
