"""Kept pages (app/pagecache.py): fast for visitors and staff, never stale after a change,
never one person's page for another."""

from __future__ import annotations

import uuid

import pytest
from flask_wtf.csrf import generate_csrf, validate_csrf

from app.consultations.models import ConsultationStaff
from app.extensions import db as _db
from app.pagecache import (
    PUBLIC,
    STAFF,
    MemoryStore,
    PageCache,
    RedisStore,
    scopes_changed,
)
from app.submissions.editing import save_section
from app.timeutil import utcnow
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_submission,
    make_user,
)


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def store(use_store):
    """A fresh, empty store for this test."""
    return use_store(MemoryStore())


@pytest.fixture
def use_store(app):
    """Swap the app's store for the duration of a test: use_store(store)."""
    cache = app.extensions["pagecache"]
    original = cache.store

    def use(store):
        cache.store = store
        return store

    yield use
    cache.store = original


def test_visitor_pages_are_kept_and_then_cost_no_query(client, count_queries):
    consultation = make_consultation(title="Fair recruitment")
    for url in ("/consultations", f"/consultations/{consultation.slug}"):
        first = client.get(url).get_data(as_text=True)
        with count_queries() as statements:
            second = client.get(url).get_data(as_text=True)
        assert statements == []
        assert "Fair recruitment" in second and _main(second) == _main(first)


def test_an_organization_that_becomes_unlisted_disappears_at_once(client):
    consultation = make_consultation()
    org = make_org(name="Brave Workers Union")
    join_consultation(consultation, org)
    url = f"/consultations/{consultation.slug}"
    assert "Brave Workers Union" in client.get(url).get_data(as_text=True)
    org.listed = False
    _db.session.commit()
    assert "Brave Workers Union" not in client.get(url).get_data(as_text=True)


def test_an_unpublished_consultation_is_not_served_from_a_kept_copy(client):
    consultation = make_consultation(title="Soon private")
    url = f"/consultations/{consultation.slug}"
    assert client.get(url).status_code == 200
    consultation.published = False
    _db.session.commit()
    assert client.get(url).status_code == 404
    assert "Soon private" not in client.get("/consultations").get_data(as_text=True)


def test_signed_in_people_never_get_the_visitor_copy_nor_leave_theirs(client, signed_in_client):
    consultation = make_consultation()
    owner = make_user()
    make_org(owner, name="Owner Org", verified=True)
    url = f"/consultations/{consultation.slug}"
    visitor_before = client.get(url).get_data(as_text=True)
    owner_page = signed_in_client(owner).get(url).get_data(as_text=True)
    assert "Owner Org" in owner_page  # the owner is offered to join with it
    assert "Owner Org" not in visitor_before
    assert "Owner Org" not in client.get(url).get_data(as_text=True)


def test_the_language_and_the_fragment_are_part_of_the_key(client, app):
    make_consultation(title="Fair recruitment")
    english = client.get("/consultations").get_data(as_text=True)
    arabic_client = app.test_client()
    arabic = arabic_client.get("/consultations", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in arabic.get_data(as_text=True)
    assert 'dir="rtl"' not in english
    fragment = client.get("/consultations", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="results"')
    assert client.get("/consultations").get_data(as_text=True).lstrip().startswith("<!doctype")


def test_made_up_filters_and_searches_are_not_kept(client, store):
    make_consultation(title="Fair recruitment")
    client.get("/consultations")
    kept = len(store._items)
    client.get("/consultations?level=no-such-level")
    client.get("/consultations?q=fair")
    assert len(store._items) == kept
    client.get("/consultations?level=national")
    assert len(store._items) == kept + 1


def test_dashboard_is_kept_per_person_and_follows_drafting(signed_in_client, store):
    first, second = make_user(role="facilitator"), make_user(role="facilitator")
    consultation = make_consultation(facilitator=first, objectives=(6,), questions=1)
    consultation.staff.append(ConsultationStaff(user_id=second.id, role="facilitator"))
    submission = make_submission(consultation, make_org())
    section = submission.sections[0]
    assert section.objectives == [6]
    url = f"/consultations/{consultation.slug}/dashboard"
    first_client, second_client = signed_in_client(first), signed_in_client(second)
    before = first_client.get(url).get_data(as_text=True)
    assert "<strong>gap</strong>" in before  # no section with text addresses objective 6
    kept = len(store._items)
    assert _main(second_client.get(url).get_data(as_text=True)) == _main(before)
    assert len(store._items) == kept + 1  # a copy of its own, not the first person's

    author = submission.lead_organization.owners()[0].user
    save_section(author, section.id, "Our text on recruitment fees.", None, utcnow())
    _db.session.commit()
    assert "<strong>gap</strong>" not in first_client.get(url).get_data(as_text=True)


def test_drafting_bumps_only_the_staff_generation():
    assert scopes_changed({"revisions", "sections", "editing_presence"}) == {STAFF}
    assert scopes_changed({"notifications", "audit_events", "revisions"}) == set()
    assert scopes_changed({"organizations"}) == {PUBLIC, STAFF}
    assert scopes_changed({"a_table_added_later"}) == {PUBLIC, STAFF}


def test_autosave_keeps_visitor_pages_but_not_dashboards(client, store):
    consultation = make_consultation()
    submission = make_submission(consultation, make_org())
    client.get(f"/consultations/{consultation.slug}")
    public, staff = store.generation(PUBLIC), store.generation(STAFF)
    author = submission.lead_organization.owners()[0].user
    save_section(author, submission.sections[0].id, "A first line.", None, utcnow())
    _db.session.commit()
    assert store.generation(PUBLIC) == public
    assert store.generation(STAFF) == staff + 1


def test_copies_expire_after_the_configured_seconds():
    now = [100.0]
    store = MemoryStore(size=2, clock=lambda: now[0])
    store.put("a", "page a", 30)
    now[0] += 29
    assert store.get("a") == "page a"
    now[0] += 2
    assert store.get("a") is None


def test_the_oldest_copies_go_first_when_the_store_is_full():
    store = MemoryStore(size=2)
    for key in ("a", "b", "c"):
        store.put(key, key, 30)
    assert [store.get(key) for key in ("a", "b", "c")] == [None, "b", "c"]


def test_each_requester_gets_their_own_csrf_token(app):
    """A token inside a kept block is swapped for the token of the person asking."""
    cache = PageCache(MemoryStore(), 30)
    served = []
    for _ in range(2):
        with app.app_context(), app.test_request_context("/consultations"):
            kept = cache.fetch(PUBLIC, ("page",), lambda: {"content": f"<i>{generate_csrf()}</i>"})
            token = str(kept["content"])[3:-4]
            validate_csrf(token)  # raises when it is not this session's token
            served.append(token)
    assert served[0] != served[1]


def test_a_store_that_is_down_never_fails_the_page(client, use_store):
    consultation = make_consultation(title="Still served")
    use_store(RedisStore("redis://127.0.0.1:1/0", "down"))
    response = client.get(f"/consultations/{consultation.slug}")
    assert response.status_code == 200 and "Still served" in response.get_data(as_text=True)
    consultation.timezone = "Asia/Manila"
    _db.session.commit()  # bumping the generation fails quietly too


def test_processes_sharing_redis_see_each_others_changes(client, redis_url, use_store):
    """Two stores on one namespace stand for two processes: a change committed while one is
    in use drops the copy that the other kept."""
    namespace = uuid.uuid4().hex
    one, other = RedisStore(redis_url, namespace), RedisStore(redis_url, namespace)
    consultation = make_consultation()
    url = f"/consultations/{consultation.slug}"
    try:
        use_store(one)
        assert "Shared Change Org" not in client.get(url).get_data(as_text=True)
        use_store(other)
        join_consultation(consultation, make_org(name="Shared Change Org"))
        use_store(one)
        assert "Shared Change Org" in client.get(url).get_data(as_text=True)
        assert one.generation(PUBLIC) > 0  # bumped through Redis, seen by the other store
    finally:
        one.redis.delete(*one.redis.keys(one.prefix + "*"))
