from sqlalchemy import select, text

from app.organizations.models import Organization
from tests.factories import make_org, make_user

FORM = {
    "name": "Pinoy Workers Hong Kong",
    "kind": "migrant-led",
    "countries": ["HK", "PH"],
    "languages": ["fil", "en"],
    "description": "We meet on **Sundays**.",
    "contact": "pinoy@example.org",
    "listed": "unlisted",
}


def test_registering_makes_a_pending_organization_owned_by_its_registrant(signed_in_client, db):
    user = make_user()
    client = signed_in_client(user)
    response = client.post("/organizations/new", data=FORM)
    assert response.status_code == 303
    org = db.session.scalar(select(Organization))
    assert org.verification == "pending" and not org.listed
    assert sorted(org.countries) == ["HK", "PH"]
    assert org.membership_of(user).role == "owner"
    db.session.refresh(user)
    assert user.active_organization_id == org.id
    page = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "<strong>Sundays</strong>" in page
    assert "Waiting for verification" in page


def test_unlisted_contact_is_encrypted_at_rest(signed_in_client, db):
    signed_in_client(make_user()).post("/organizations/new", data=FORM)
    with db.engine.connect() as connection:
        raw = connection.execute(text("SELECT contact FROM organizations")).scalar()
    assert "pinoy@example.org" not in raw
    assert db.session.scalar(select(Organization.contact)) == "pinoy@example.org"


def test_missing_fields_answer_422_and_keep_what_was_typed(signed_in_client, db):
    data = {**FORM, "name": "", "countries": []}
    response = signed_in_client(make_user()).post("/organizations/new", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="name-error"' in body and 'id="countries-error"' in body
    assert "We meet on **Sundays**." in body
    assert db.session.scalar(select(Organization)) is None


def test_scripts_in_any_field_come_back_inert(signed_in_client, db):
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    data = {
        **FORM,
        "name": f"Evil {payload}",
        "description": f"Hello {payload} [link](javascript:alert(3)) <a href='https://x'>x</a>",
        "contact": payload,
        "listed": "listed",
    }
    owner = make_user()
    client = signed_in_client(owner)
    client.post("/organizations/new", data=data)
    org = db.session.scalar(select(Organization))
    for path in (f"/organizations/{org.id}", "/organizations/mine"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in body
        assert "onerror=" not in body.replace("onerror=alert(2)&gt;", "")
        assert 'href="javascript:' not in body
        assert "&lt;script&gt;" in body


def test_owner_can_edit_and_a_new_name_needs_verifying_again(signed_in_client, db):
    owner = make_user()
    org = make_org(owner, name="Old Name")
    client = signed_in_client(owner)
    data = {**FORM, "name": "New Name", "listed": "listed"}
    assert client.post(f"/organizations/{org.id}/edit", data=data).status_code == 303
    db.session.refresh(org)
    assert org.name == "New Name" and org.verification == "pending"


def test_editors_cannot_change_settings(signed_in_client, db):
    editor = make_user()
    org = make_org(members={editor: "editor"})
    client = signed_in_client(editor)
    before = (org.name, org.description, org.listed)
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    assert client.post(f"/organizations/{org.id}/edit", data=FORM).status_code == 403
    db.session.expire_all()
    after = db.session.get(Organization, org.id)
    assert (after.name, after.description, after.listed) == before
    assert after.name != FORM["name"]


def test_owner_can_delete_only_an_organization_without_other_members(signed_in_client, db):
    owner, editor = make_user(), make_user()
    busy = make_org(owner, members={editor: "editor"})
    alone = make_org(owner)
    client = signed_in_client(owner)
    client.post(f"/organizations/{busy.id}/delete")
    client.post(f"/organizations/{alone.id}/delete")
    remaining = set(db.session.scalars(select(Organization.id)))
    assert remaining == {busy.id}


def test_switching_the_active_organization(signed_in_client, db):
    user = make_user()
    first, second = make_org(user), make_org(user)
    client = signed_in_client(user)
    client.post(f"/organizations/{second.id}/switch")
    db.session.refresh(user)
    assert user.active_organization_id == second.id
    body = client.get("/organizations/mine").get_data(as_text=True)
    assert body.count("Work for this organization") == 1
    assert first.name in body
    outsider = signed_in_client(make_user())
    assert outsider.post(f"/organizations/{first.id}/switch").status_code == 403
