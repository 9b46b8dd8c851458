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
