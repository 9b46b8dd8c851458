"""Quick exit ends the session on the server and clears what the browser kept (issue 14, 3)."""

from sqlalchemy import func, select

from app.auth.models import AccountSession
from tests.factories import make_user

CLEARED = '"cache", "cookies", "storage"'


def _sessions(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AccountSession))


def test_the_quick_exit_link_goes_through_the_sign_out_endpoint(client, app):
    body = client.get("/").get_data(as_text=True)
    assert 'href="/quick-exit"' in body
    assert f'data-exit-url="{app.config["QUICK_EXIT_URL"]}"' in body


def test_quick_exit_by_link_signs_out_clears_the_site_and_leaves(app, signed_in_client, db):
    member = signed_in_client(make_user())
    assert _sessions(db) == 1
    answer = member.get("/quick-exit")
    assert answer.status_code == 303
    assert answer.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert answer.headers["Clear-Site-Data"] == CLEARED
    assert "no-store" in answer.headers["Cache-Control"]
    assert _sessions(db) == 0
    after = member.get("/account")
    assert after.status_code == 302 and after.headers["Location"].startswith("/sign-in")


def test_quick_exit_by_script_signs_out_without_a_form_token(app, signed_in_client, db):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        member = signed_in_client(make_user())
        answer = member.post("/quick-exit")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 204
    assert answer.headers["Clear-Site-Data"] == CLEARED
    assert _sessions(db) == 0
    # The session cookie is removed too, not only emptied.
    assert any("gcm_session=;" in c for c in answer.headers.getlist("Set-Cookie"))


def test_quick_exit_for_a_visitor_just_leaves(app, client):
    answer = client.get("/quick-exit")
    assert answer.status_code == 303
    assert answer.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert answer.headers["Clear-Site-Data"] == CLEARED


def test_pages_for_signed_in_people_are_never_stored(signed_in_client):
    member = signed_in_client(make_user())
    for url in ("/", "/account", "/organizations/mine"):
        answer = member.get(url)
        assert "no-store" in answer.headers["Cache-Control"], url
