import json

import pytest

from app.organizations.models import Membership, Organization
from app.timeutil import utcnow
from tests.factories import make_org, make_user


def _bulk_orgs(db, count: int, **fields) -> None:
    owner = make_user()
    for number in range(count):
        org = Organization(
            name=f"Bulk {number:04}",
            kind="ngo",
            listed=True,
            verification="verified",
            created_at=utcnow(),
            **fields,
        )
        org.countries, org.languages = ["PH", "HK"], ["en"]
        org.memberships = [Membership(user_id=owner.id, role="owner")]
        db.session.add(org)
    db.session.commit()


def test_directory_shows_only_listed_verified_organizations(client):
    make_org(name="Public Helpers")
    make_org(name="Hidden Helpers", listed=False)
    make_org(name="Pending Helpers", verified=False)
    body = client.get("/organizations").get_data(as_text=True)
    assert "Public Helpers" in body
    assert "Hidden Helpers" not in body and "Pending Helpers" not in body


def test_search_and_filters_live_in_the_url(client):
    make_org(name="Nepali Workers Forum", countries=["NP"], languages=["ne"], kind="ngo")
    make_org(name="Filipino Workers Forum", countries=["PH"], languages=["fil"])
    make_org(name="Garden Club", countries=["PH"], languages=["en"])

    def names(query):
        body = client.get(f"/organizations?{query}").get_data(as_text=True)
        return {n for n in ("Nepali Workers", "Filipino Workers", "Garden Club") if n in body}

    assert names("q=workers") == {"Nepali Workers", "Filipino Workers"}
    assert names("q=WORKERS&country=PH") == {"Filipino Workers"}
    assert names("kind=ngo") == {"Nepali Workers"}
    assert names("language=fil") == {"Filipino Workers"}
    assert names("q=%25") == set()  # a LIKE wildcard is searched for literally


def test_htmx_gets_only_the_results_and_the_page_works_without_it(client):
    make_org(name="Nepali Workers Forum")
    fragment = client.get("/organizations?q=nepali", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="results"')
    assert "Nepali Workers Forum" in body and "<html" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get("/organizations?q=nepali").get_data(as_text=True)
    assert "<html" in full and 'value="nepali"' in full


def test_directory_is_paginated(client, db):
    _bulk_orgs(db, 45)
    first = client.get("/organizations").get_data(as_text=True)
    third = client.get("/organizations?page=3").get_data(as_text=True)
    assert "Bulk 0000" in first and "Bulk 0020" not in first
    assert "Bulk 0040" in third and "Page 3 of 3" in third


def test_unlisted_organization_is_invisible_to_outsiders(client, signed_in_client):
    hidden = make_org(name="Zzsecret Shelter", listed=False)
    outsider = signed_in_client(make_user())
    reviewer = signed_in_client(make_user(role="un-reviewer"))
    for who in (client, outsider, reviewer):
        assert who.get(f"/organizations/{hidden.id}").status_code == 404
        assert "Zzsecret" not in who.get("/organizations?q=zzsecret").get_data(as_text=True)
        assert "Zzsecret" not in who.get("/organizations/mine").get_data(as_text=True)
    export = outsider.get("/account/export").get_data(as_text=True)
    assert "Zzsecret" not in json.dumps(json.loads(export))


def test_pending_profile_is_hidden_from_the_public_but_not_members(client, signed_in_client):
    owner = make_user()
    org = make_org(owner, verified=False)
    assert client.get(f"/organizations/{org.id}").status_code == 404
    assert signed_in_client(owner).get(f"/organizations/{org.id}").status_code == 200


@pytest.mark.parametrize("path", ["/organizations", "/organizations/{id}"])
def test_pages_make_a_fixed_number_of_queries(client, db, count_queries, path):
    _bulk_orgs(db, 10)
    target = make_org(name="Target Org")
    url = path.format(id=target.id)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _bulk_orgs(db, 490)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)
    assert len(large) <= 6


def test_contact_of_an_unlisted_organization_is_for_members_only(signed_in_client):
    owner = make_user()
    org = make_org(owner, listed=False, contact="private@example.org")
    assert "private@example.org" in signed_in_client(owner).get(
        f"/organizations/{org.id}"
    ).get_data(as_text=True)
    facilitator = signed_in_client(make_user(role="facilitator"))
    org_pending = make_org(listed=False, verified=False, contact="pending@example.org")
    assert "pending@example.org" in facilitator.get(f"/organizations/{org_pending.id}").get_data(
        as_text=True
    )


def test_contact_details_are_read_only_where_a_page_shows_them(
    client, signed_in_client, count_queries
):
    """An organization's contact is encrypted; it is read (and decrypted) only by a page
    that shows it (the profile, the edit form), never for the lists of organizations: the
    directory and the verification queue (issue 19: no decryption for a list, and no
    cipher library in a worker that serves only public lists)."""
    owner = make_user()
    org = make_org(owner, contact="reach-us@example.org")
    make_org(make_user(), verified=False, contact="waiting@example.org")
    facilitator = signed_in_client(make_user(role="facilitator"))

    def contact_read(statements: list[str]) -> bool:
        return any("organizations.contact" in s.split("FROM")[0] for s in statements)

    with count_queries() as directory:
        assert org.name in client.get("/organizations").get_data(as_text=True)
    with count_queries() as queue:
        assert facilitator.get("/organizations/verification").status_code == 200
    assert not contact_read(directory) and not contact_read(queue)
    profile = signed_in_client(owner).get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "reach-us@example.org" in profile
