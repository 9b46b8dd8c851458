from datetime import UTC, datetime, timedelta

import pytest

from app.consultations import services
from app.timeutil import local_to_utc
from tests.factories import make_consultation, make_org, make_user

KATHMANDU_DEADLINE = local_to_utc(datetime(2027, 1, 15, 17, 0), "Asia/Kathmandu")


def test_local_deadline_becomes_the_right_utc_moment():
    assert datetime(2027, 1, 15, 11, 15, tzinfo=UTC) == KATHMANDU_DEADLINE
    # Daylight saving time: Sydney is UTC+11 in January and UTC+10 in July.
    assert local_to_utc(datetime(2027, 1, 10, 9, 0), "Australia/Sydney").hour == 22
    assert local_to_utc(datetime(2027, 7, 10, 9, 0), "Australia/Sydney").hour == 23


@pytest.mark.parametrize(
    ("offset", "is_open"),
    [(-1, True), (0, False), (1, False)],
)
def test_open_until_the_deadline_second_in_the_consultation_zone(offset, is_open):
    consultation = make_consultation(deadline=KATHMANDU_DEADLINE, timezone="Asia/Kathmandu")
    moment = KATHMANDU_DEADLINE + timedelta(seconds=offset)
    assert consultation.is_open(moment) is is_open
    assert consultation.state(moment) == ("open" if is_open else "closed")


def test_joining_one_second_after_the_deadline_is_refused():
    consultation = make_consultation(deadline=KATHMANDU_DEADLINE, timezone="Asia/Kathmandu")
    owner = make_user()
    org = make_org(owner)
    with pytest.raises(services.NotOpen):
        services.join(owner, consultation, org, KATHMANDU_DEADLINE + timedelta(seconds=1))
    services.join(owner, consultation, org, KATHMANDU_DEADLINE - timedelta(seconds=1))
    assert consultation.participation_of(org).joined


def test_states_follow_the_dates(db):
    """One consultation seen at moments around its own dates: the state comes from them."""
    consultation = make_consultation(deadline=KATHMANDU_DEADLINE)
    opens = KATHMANDU_DEADLINE - timedelta(days=30)
    consultation.opens_at = opens
    second = timedelta(seconds=1)
    assert consultation.state(opens - second) == "upcoming"
    assert consultation.state(opens) == "open"
    assert consultation.state(KATHMANDU_DEADLINE - second) == "open"
    assert consultation.state(KATHMANDU_DEADLINE) == "closed"
    later = KATHMANDU_DEADLINE + timedelta(days=3)
    consultation.compiled_at = KATHMANDU_DEADLINE + timedelta(days=2)
    assert consultation.state(later) == "compiled"
    consultation.published = False
    assert consultation.state(later) == "draft"
    assert consultation.state(opens) == "draft"


def test_dates_shown_in_the_consultation_zone_and_the_readers(client, signed_in_client):
    consultation = make_consultation(deadline=KATHMANDU_DEADLINE, timezone="Asia/Kathmandu")
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "5:00 PM (Kathmandu)" in page  # the city people know, no seconds
    assert "5:00:00" not in page and "Asia/Kathmandu" not in page
    assert f'datetime="{KATHMANDU_DEADLINE.isoformat()}"' in page  # the device adds its own
    reader = make_user()
    reader.timezone = "Asia/Manila"  # UTC+8: 19:15 there
    from app.extensions import db

    db.session.commit()
    page = (
        signed_in_client(reader).get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    )
    assert "7:15 PM (Manila)" in page


def test_times_read_as_people_read_them_in_arabic(client):
    """The zone's city in the reader's language, and no seconds."""
    consultation = make_consultation(deadline=KATHMANDU_DEADLINE, timezone="Asia/Kathmandu")
    client.post("/language", data={"locale": "ar"})
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "(كاتماندو)" in page
    assert "Asia/Kathmandu" not in page
    assert "5:00 م" in page and "5:00:00" not in page
