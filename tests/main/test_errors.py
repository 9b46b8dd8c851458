import io

import pytest
from flask import abort

from app import create_app
from app.config import TestConfig
from tests.factories import make_user


@pytest.fixture
def error_app(database_url):
    application = create_app(
        TestConfig(
            SQLALCHEMY_DATABASE_URI=database_url,
            PROPAGATE_EXCEPTIONS=False,
            MAX_CONTENT_LENGTH=1024,
        )
    )

    @application.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    @application.post("/boom")
    def boom_post():
        raise RuntimeError("secret internal detail")

    @application.get("/conflict")
    def conflict():
        abort(409)

    return application


def test_500_shows_no_internals_and_keeps_what_was_typed(error_app):
    client = error_app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    posted = client.post("/boom", data={"body": "my long paragraph", "password": "pw-value-xyz"})
    assert "my long paragraph" in posted.get_data(as_text=True)
    assert "pw-value-xyz" not in posted.get_data(as_text=True)


def test_413_explains_the_size_limit(error_app):
    response = error_app.test_client().post("/sign-up", data={"display_name": "x" * 5000})
    assert response.status_code == 413
    assert "This text is too long" in response.get_data(as_text=True)  # a form without files
    upload = error_app.test_client().post(
        "/sign-up", data={"file": (io.BytesIO(b"x" * 5000), "big.pdf")}
    )
    assert upload.status_code == 413
    assert "This file is too large" in upload.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "status", "title"),
    [("/no-such-page", 404, "We cannot find this page"), ("/conflict", 409, "This changed")],
)
def test_error_pages_say_what_happened(error_app, path, status, title):
    response = error_app.test_client().get(path)
    assert response.status_code == status
    assert title in response.get_data(as_text=True)


def test_error_pages_are_translated(error_app):
    response = error_app.test_client().get("/no-such-page", headers={"Accept-Language": "ar"})
    body = response.get_data(as_text=True)
    assert 'dir="rtl"' in body
    assert "We cannot find this page" not in body


def test_403_for_admin_area_rule(signed_in_client):
    """The admin area answers 403 to anyone the rule refuses, with the plain error page."""
    member, admin = make_user(), make_user(role="admin")
    unfinished_admin = make_user(role="admin", two_factor=False)
    refused = signed_in_client(member).get("/admin/users")
    assert refused.status_code == 403
    assert admin.username not in refused.get_data(as_text=True)
    allowed = signed_in_client(admin).get("/admin/users")
    assert allowed.status_code == 200
    assert member.username in allowed.get_data(as_text=True)
    unfinished = signed_in_client(unfinished_admin).get("/admin/users")
    assert unfinished.status_code in (302, 403)
    assert member.username not in unfinished.get_data(as_text=True)
