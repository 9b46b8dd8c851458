"""Open data: published public editions, passages, outcomes and the Atom feed, the same for
everyone, without personal data, never a confidential or unpublished text."""

from __future__ import annotations

import hashlib
import json
from xml.etree import ElementTree

from app.compilations.services import file_path
from app.extensions import db
from app.outcomes.services import set_uptake
from app.timeutil import utcnow
from tests.factories import make_user, sign_in
from tests.reading.conftest import KHMER, THAI, compile_edition

ATOM = "{http://www.w3.org/2005/Atom}"


def test_compilations_list_published_public_editions_with_checksums(published, client):
    unpublished_version = compile_edition(
        published.consultation, published.facilitator, published=False
    )
    response = client.get("/api/v1/compilations")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    listed = response.get_json()["compilations"]
    assert [c["id"] for c in listed] == [published.compilation.id]
    assert unpublished_version.id not in [c["id"] for c in listed]
    entry = listed[0]
    assert entry["consultation"]["slug"] == published.consultation.slug
    assert entry["consultation"]["review"]["level"] == "regional"
    assert entry["version"] == 1 and entry["current"] and entry["passage_count"] == 6
    public_file = published.compilation.file("public", "json")
    assert [(f["format"], f["sha256"]) for f in entry["files"]] == [("json", public_file.sha256)]
    assert hashlib.sha256(file_path(public_file).read_bytes()).hexdigest() == public_file.sha256
    assert entry["passages_url"].endswith(f"/api/v1/compilations/{published.compilation.id}")


def test_a_compilation_gives_its_passages_and_nothing_private(published, client):
    response = client.get(f"/api/v1/compilations/{published.compilation.id}")
    assert response.status_code == 200
    payload = response.get_json()
    texts = {p["text"]: p for p in payload["passages"]}
    assert THAI in texts and KHMER in texts and len(texts) == 6
    assert texts[KHMER]["reference"] == "S-002 ¶2" and texts[KHMER]["credit"] == "a trade union"
    assert texts[KHMER]["url"].endswith("?submission=S-002#p-S-002-2")
    raw = response.get_data(as_text=True)
    for secret in published.secrets:
        assert secret not in raw, secret


def test_unpublished_and_unknown_compilations_are_404_for_everyone(published, app, client):
    draft = compile_edition(published.consultation, published.facilitator, published=False)
    staff = app.test_client()
    sign_in(staff, published.facilitator)
    admin = app.test_client()
    sign_in(admin, make_user(role="admin"))
    for who in (client, staff, admin):
        assert who.get(f"/api/v1/compilations/{draft.id}").status_code == 404
        assert who.get("/api/v1/compilations/999999").status_code == 404
        listed = who.get("/api/v1/compilations").get_json()["compilations"]
        assert draft.id not in [c["id"] for c in listed]
    assert client.get(f"/api/v1/compilations/{published.compilation.id}?page=2").status_code == 404


def test_outcomes_give_public_uptake_with_credit_lines_only(published, client):
    with client.application.test_request_context("/"):
        for submission, reason in (
            (published.anonymous, "Anonymous reason shown."),
            (published.confidential, "Confidential reason hidden."),
        ):
            set_uptake(
                published.facilitator,
                submission,
                utcnow(),
                paragraph=None,
                status="not-taken-up",
                outcome_reference=None,
                reason=reason,
                document=None,
            )
    db.session.commit()
    response = client.get(f"/api/v1/outcomes/{published.consultation.slug}")
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    assert "Anonymous reason shown." in raw and "Confidential reason hidden." not in raw
    credits = {line["credit"] for line in json.loads(raw)["uptake"]}
    assert credits == {"Open Hands Network", "a trade union"}
    for secret in published.secrets:
        assert secret not in raw
    published.consultation.published = False
    db.session.commit()
    assert client.get(f"/api/v1/outcomes/{published.consultation.slug}").status_code == 404


def test_the_atom_feed_lists_new_publications(published, client):
    response = client.get("/api/v1/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ElementTree.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert "Recruitment fees" in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}id").text.endswith(f"/api/v1/compilations/{published.compilation.id}")
    links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
    assert links["alternate"].endswith(f"/read/consultations/{published.consultation.slug}")
    assert "/files/" in links["enclosure"]
    assert "Named Lead Person" not in response.get_data(as_text=True)
