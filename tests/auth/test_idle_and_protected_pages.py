"""After the idle timeout: the page hides itself (client timer), and protected pages send
signed-out people to sign in with a message, never to "We cannot find this page" (issue 14,
defect 5). Visitors learn nothing about which ids exist."""

import re
from datetime import timedelta

from app.timeutil import utcnow
from tests.factories import make_org, make_submission, make_user


def _without_id(location: str, number: int) -> str:
    return location.replace(str(number), "N").replace("%2F", "/")


def test_signed_in_pages_carry_the_idle_timer_and_its_message(signed_in_client, client, app):
    page = signed_in_client(make_user()).get("/account").get_data(as_text=True)
    minutes = int(app.config["IDLE_TIMEOUT"].total_seconds() // 60)
    body = re.search(r"<body[^>]*>", page).group(0)
    assert f'data-idle-minutes="{minutes}"' in body
    assert f"You were signed out after {minutes} minutes without activity." in body
    assert 'data-sign-in-url="/sign-in' in body
    assert "data-idle-minutes" not in client.get("/").get_data(as_text=True)


def test_after_the_timeout_a_submission_link_goes_to_sign_in_with_a_message(
    signed_in_client, app, clock, db
):
    clock.set(utcnow())
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "Our draft."})
    member = signed_in_client(owner)
    assert member.get(f"/submissions/{submission.id}").status_code == 200
    clock.advance(app.config["IDLE_TIMEOUT"] + timedelta(seconds=5))
    answer = member.get(f"/submissions/{submission.id}")
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].startswith("/sign-in?next=")
    page = member.get(answer.headers["Location"]).get_data(as_text=True)
    minutes = int(app.config["IDLE_TIMEOUT"].total_seconds() // 60)
    assert f"You were signed out after {minutes} minutes without activity." in page
    assert "We cannot find this page" not in page


def test_visitors_get_the_same_answer_for_existing_and_unknown_ids(client, db):
    submission = make_submission(org=make_org(), texts={"q1": "Private draft."})
    unknown = submission.id + 1000
    real = client.get(f"/submissions/{submission.id}")
    fake = client.get(f"/submissions/{unknown}")
    assert real.status_code == fake.status_code
    assert real.status_code in (302, 303)
    assert _without_id(real.headers["Location"], submission.id) == _without_id(
        fake.headers["Location"], unknown
    )
    assert real.headers["Location"].startswith("/sign-in")
    page = client.get(real.headers["Location"]).get_data(as_text=True)
    assert "Sign in to see this page." in page


def test_signed_in_people_still_get_not_found_for_unknown_ids(signed_in_client, db):
    member = signed_in_client(make_user())
    assert member.get("/submissions/999999").status_code == 404


def test_unknown_addresses_stay_not_found_for_visitors(client):
    assert client.get("/no-such-page").status_code == 404
    assert client.get("/static/no-such-file.js").status_code == 404
