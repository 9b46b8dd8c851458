"""A whole page answered to an htmx request replaces the page: it never nests (issue 14, 1)."""

from tests.factories import PASSWORD

HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/sign-up"}


def _sign_up_form(**overrides):
    data = {
        "display_name": "Rina",
        "username": "rina",
        "email": "",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def test_sign_up_success_over_htmx_replaces_the_whole_body(client, db):
    answer = client.post("/sign-up", data=_sign_up_form(), headers=HX)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert page.count("<li><code>") == 10
    # htmx is told to swap the body, not the form it was aimed at.
    assert answer.headers["HX-Retarget"] == "body"
    assert answer.headers["HX-Reswap"].startswith("innerHTML")


def test_fragments_are_still_swapped_where_they_were_aimed(client, db):
    answer = client.post("/sign-up", data=_sign_up_form(password="short"), headers=HX)
    assert answer.status_code == 422
    assert not answer.get_data(as_text=True).lstrip().lower().startswith("<!doctype")
    assert "HX-Retarget" not in answer.headers and "HX-Reswap" not in answer.headers


def test_boosted_and_plain_requests_are_left_alone(client, db):
    plain = client.get("/sign-up")
    assert "HX-Retarget" not in plain.headers
    boosted = client.get("/sign-up", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "HX-Retarget" not in boosted.headers


def test_any_whole_page_to_htmx_is_retargeted(client, db):
    # A page that has no fragment for htmx (the home page), fetched by htmx.
    answer = client.get("/", headers={"HX-Request": "true"})
    assert answer.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
    assert answer.headers["HX-Retarget"] == "body"


def test_staff_homes_do_not_ask_to_join_an_organization(signed_in_client, db):
    from tests.factories import make_user

    join = "Join your organization"
    for role, says in (
        ("facilitator", "As a facilitator"),
        ("un-reviewer", "As a UN reviewer"),
        ("admin", "As an administrator"),
    ):
        page = signed_in_client(make_user(role=role)).get("/").get_data(as_text=True)
        assert join not in page and says in page, role
    member = signed_in_client(make_user()).get("/").get_data(as_text=True)
    assert join in member
