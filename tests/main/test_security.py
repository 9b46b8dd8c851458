import logging

import pytest
from sqlalchemy import inspect, select, text

from app import create_app
from app.auth.models import User
from app.config import TestConfig
from app.security import decrypt_text, encrypt_text
from tests.factories import PASSWORD, make_user, totp_now

PAGES = ["/", "/sign-in", "/sign-up", "/privacy", "/reset", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_page(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # only in production


def test_hsts_and_secure_cookie_in_production(database_url):
    production = create_app(
        TestConfig(
            PRODUCTION=True, SESSION_COOKIE_SECURE=True, SQLALCHEMY_DATABASE_URI=database_url
        )
    )
    response = production.test_client().get("/sign-in")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Secure" in response.headers["Set-Cookie"]


def test_pages_for_signed_in_people_are_not_stored(client, signed_in_client):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    member = signed_in_client(make_user())
    for path in ["/", "/account", "/privacy"]:
        assert member.get(path).headers["Cache-Control"] == "no-store"


def test_static_files_are_cached_long_with_a_versioned_url(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/vendor/htmx-2.0.11.min.js?v=" in page
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()


def test_pages_load_nothing_from_other_hosts(client):
    page = client.get("/").get_data(as_text=True)
    for attribute in ('src="http', "src='http", 'href="http', "@import"):
        assert attribute not in page.replace('href="https://www.google.com', "")


def test_htmx_is_configured_to_leave_no_traces(client):
    page = client.get("/").get_data(as_text=True)
    for setting in (
        "&#34;historyCacheSize&#34;: 0",
        "&#34;allowEval&#34;: false",
        "&#34;allowScriptTags&#34;: false",
        "&#34;selfRequestsOnly&#34;: true",
        "&#34;includeIndicatorStyles&#34;: false",
    ):
        assert setting in page


def test_no_inline_script_or_style_in_pages(client, signed_in_client):
    member = signed_in_client(make_user())
    for page in (client.get("/sign-up"), member.get("/account"), member.get("/account/two-factor")):
        body = page.get_data(as_text=True)
        assert "<script>" not in body and "style=" not in body and "onclick" not in body


@pytest.fixture
def csrf_app(database_url):
    application = create_app(
        TestConfig(WTF_CSRF_ENABLED=True, SQLALCHEMY_DATABASE_URI=database_url)
    )
    from tests.conftest import IsolatedClient

    application.test_client_class = IsolatedClient
    return application


def test_posts_without_csrf_token_are_refused_and_text_comes_back(csrf_app):
    client = csrf_app.test_client()
    response = client.post(
        "/sign-up", data={"display_name": "Words I typed", "password": "secret value"}
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Words I typed" in body
    assert "secret value" not in body


def test_htmx_requests_send_csrf_token_in_a_header(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post("/language", data={"locale": "ar"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    accepted = client.post(
        "/language", data={"locale": "ar"}, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert accepted.status_code == 204


CLIENT_ADDRESS = "203.0.113.77"
CLIENT_AGENT = "AgentOfTheTest/9.9"


def test_no_client_address_or_agent_stored_or_logged(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_user(username="amir", two_factor=True, email="amir@example.org")
    environ = {"REMOTE_ADDR": CLIENT_ADDRESS, "HTTP_USER_AGENT": CLIENT_AGENT}
    client.post("/sign-in", data={"identifier": "amir", "password": "wrong"}, environ_base=environ)
    client.post("/sign-in", data={"identifier": "amir", "password": PASSWORD}, environ_base=environ)
    client.post("/sign-in/code", data={"code": totp_now(user)}, environ_base=environ)
    client.get("/account", environ_base=environ)
    client.post(
        "/account/profile",
        data={"display_name": "A", "locale": "en", "timezone": ""},
        environ_base=environ,
    )
    client.post("/reset", data={"email": "amir@example.org"}, environ_base=environ)
    client.post("/sign-out", environ_base=environ)
    dumped = _dump_every_table(db)
    assert "amir" in dumped  # the dump works
    assert CLIENT_ADDRESS not in dumped and CLIENT_AGENT not in dumped
    assert CLIENT_ADDRESS not in caplog.text and CLIENT_AGENT not in caplog.text


def _dump_every_table(db) -> str:
    names = inspect(db.engine).get_table_names()
    rows = []
    with db.engine.connect() as connection:
        for name in names:
            rows.extend(str(row) for row in connection.execute(text(f'SELECT * FROM "{name}"')))
    return "\n".join(rows)


def test_secrets_and_emails_are_encrypted_at_rest(db):
    user = make_user(email="amir@example.org", two_factor=True)
    with db.engine.connect() as connection:
        raw = connection.execute(
            text("SELECT email_encrypted, totp_secret, email_lookup FROM users WHERE id = :id"),
            {"id": user.id},
        ).one()
    assert "amir" not in raw.email_encrypted
    assert user.totp_secret not in raw.totp_secret
    assert raw.totp_secret.startswith("v1:")
    assert "amir" not in raw.email_lookup
    found = db.session.scalar(select(User).where(User.id == user.id))
    assert found.email == "amir@example.org"


def test_encryption_keys_can_rotate(app):
    import base64

    old = app.config["DATA_ENCRYPTION_KEY"]
    sealed = encrypt_text("a secret")
    new_key = base64.urlsafe_b64encode(b"n" * 32).decode()
    try:
        app.config["DATA_ENCRYPTION_KEY"] = f"{new_key},{old}"
        assert decrypt_text(sealed) == "a secret"  # old values still readable
        assert decrypt_text(encrypt_text("b")) == "b"
        assert encrypt_text("b").split(":")[1] != sealed.split(":")[1]  # new key id
    finally:
        app.config["DATA_ENCRYPTION_KEY"] = old


def test_quick_exit_is_on_every_page(client, signed_in_client):
    member = signed_in_client(make_user())
    for response in (client.get("/"), client.get("/no-such-page"), member.get("/account")):
        body = response.get_data(as_text=True)
        assert 'id="quick-exit"' in body and "data-quick-exit" in body


def test_sqlite_deletes_securely(tmp_path):
    from sqlalchemy import create_engine, event

    from app.database import apply_sqlite_pragmas

    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    event.listen(engine, "connect", apply_sqlite_pragmas)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
