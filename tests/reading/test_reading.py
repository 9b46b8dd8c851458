"""Public reading and search of published inputs: what is indexed, what is found, in every
script, and that nothing confidential, restricted, drafted or unpublished is ever reached."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app.compilations.services import unpublish
from app.config import backend_for_tests
from app.extensions import db
from app.reading.models import PublishedPassage
from app.reading.search import Filters, find_passages, highlight
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user, sign_in
from tests.reading.conftest import CHINESE, KHMER, NEPALI, THAI, compile_edition


def _texts(filters: Filters) -> list[str]:
    return [p.text for p in find_passages(filters, 1, 100).items]


def test_publishing_indexes_the_public_edition_with_its_references(published):
    passages = db.session.scalars(
        select(PublishedPassage).order_by(PublishedPassage.paragraph)
    ).all()
    texts = [p.text for p in passages]
    assert THAI in texts and KHMER in texts and NEPALI in texts and CHINESE in texts
    assert not [
        s
        for s in published.secrets
        if any(s in t or s in p.credit for t in texts for p in passages)
    ]
    by_text = {p.text: p for p in passages}
    # References as the public edition numbers them: paragraphs counted per submission.
    assert by_text["Fees are charged twice."].reference == "S-001 ¶1"
    assert by_text[CHINESE].reference == "S-001 ¶3"
    assert by_text[KHMER].reference == "S-002 ¶2"
    assert by_text[CHINESE].credit == "Open Hands Network"
    assert by_text[THAI].credit == "a trade union"  # too few share an area to name one
    assert by_text[CHINESE].places == ["PH"] and by_text[THAI].places == []
    assert by_text[NEPALI].language == "th" and by_text[CHINESE].language == "en"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ค่านายหน้า", THAI),  # Thai, written without spaces: a word inside the sentence
        ("ថ្លៃសេវា", KHMER),  # Khmer, likewise
        ("भर्ती शुल्क", NEPALI),  # Nepali (Devanagari), two words
        ("招聘费", CHINESE),
        ("招聘", CHINESE),  # shorter than a trigram: LIKE
        ("CHARGED", "Fees are charged twice."),
    ],
)
def test_search_finds_words_in_every_script(published, client, query, expected):
    assert _texts(Filters(q=query)) == [expected]
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<mark>" in page and "1 passage" in page


def test_search_and_reading_never_reach_confidential_draft_or_restricted_text(published, client):
    for query in ("Confidential testimony", "raid", "Draft paragraph", "Quiet Shelter"):
        assert _texts(Filters(q=query)) == []
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "0 passages" in page
    slug = published.consultation.slug
    pages = [
        client.get(url).get_data(as_text=True)
        for url in (f"/read/consultations/{slug}", "/read", "/read/objectives/6", "/search")
    ]
    for secret in published.secrets:
        assert not [page for page in pages if secret in page], secret
    assert THAI in pages[0]


def test_an_unpublished_version_is_not_read_and_withdrawing_removes_its_texts(published, client):
    consultation, facilitator = published.consultation, published.facilitator
    slug = consultation.slug
    published.named.sections[0].current_revision.body = "Fees are charged three times."
    db.session.commit()
    second = compile_edition(consultation, facilitator, published=False)
    assert _texts(Filters(q="three times")) == []  # built, not published
    from app.compilations.services import publish

    publish(facilitator, second, utcnow())
    db.session.commit()
    assert _texts(Filters(q="three times")) == ["Fees are charged three times."]
    assert _texts(Filters(q="charged twice")) == []  # superseded by version 2
    unpublish(facilitator, second, utcnow())
    db.session.commit()
    assert _texts(Filters(q="charged")) == ["Fees are charged twice."]  # version 1 again
    unpublish(facilitator, published.compilation, utcnow())
    db.session.commit()
    assert _texts(Filters()) == []
    assert client.get(f"/read/consultations/{slug}").status_code == 404
    assert client.get(f"/api/v1/compilations/{second.id}").status_code == 404


def test_a_consultation_taken_off_the_site_leaves_reading_and_search(published, client):
    title = published.consultation.title
    assert title in client.get("/read").get_data(as_text=True)  # its lists are kept now
    assert title in client.get("/search").get_data(as_text=True)
    published.consultation.published = False
    db.session.commit()
    assert title not in client.get("/read").get_data(as_text=True)
    assert title not in client.get("/search").get_data(as_text=True)
    assert _texts(Filters(q="ค่านายหน้า")) == []
    assert client.get(f"/read/consultations/{published.consultation.slug}").status_code == 404


def test_filters_narrow_by_objective_place_language_level_and_consultation(published, client):
    slug = published.consultation.slug
    # Question 1 is tagged with objective 6, question 2 with objective 14.
    assert set(_texts(Filters(objective=14))) == {CHINESE, NEPALI}
    assert set(_texts(Filters(place="PH"))) == {
        "Fees are charged twice.",
        "<b>Bold</b> & claims",
        CHINESE,
    }
    assert set(_texts(Filters(language="th"))) == {THAI, KHMER, NEPALI}
    assert _texts(Filters(level="global")) == []
    assert len(_texts(Filters(level="regional", consultation=slug))) == 6
    response = client.get("/search", query_string={"objective": "14", "language": "th"})
    assert NEPALI in response.get_data(as_text=True)
    assert CHINESE not in response.get_data(as_text=True)
    assert client.get("/read/places/PH").get_data(as_text=True).count('class="card passage"') == 3


def test_search_answers_htmx_with_the_results_only_and_bad_filters_with_422(published, client):
    fragment = client.get("/search?q=ថ្លៃសេវា", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<mark>ថ្លៃសេវា</mark>" in body
    assert "<form" not in body and body.lstrip().startswith('<section id="results"')
    bad = client.get("/search", query_string={"objective": "99", "q": "x" * 101})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Not a valid choice" in page and "Use at most 100 characters." in page
    assert 'value="' + "x" * 101 + '"' in page  # what was typed comes back


def test_results_alone_skip_the_form_lists_unless_a_filter_from_them_is_asked(
    published, client, count_queries
):
    htmx = {"HX-Request": "true"}
    with count_queries() as alone:
        fragment = client.get("/search?q=ថ្លៃសេវា", headers=htmx)
    with count_queries() as whole:
        client.get("/search?q=ថ្លៃសេវា")
    assert fragment.status_code == 200 and "<mark>ថ្លៃសេវា</mark>" in fragment.get_data(as_text=True)
    assert len(alone) == len(whole) - 2  # consultations, places and languages
    unknown = client.get("/search?q=fees&consultation=not-public", headers=htmx)
    assert unknown.status_code == 422
    slug = published.consultation.slug
    chosen = client.get(f"/search?consultation={slug}&language=th&place=", headers=htmx)
    assert chosen.status_code == 200 and THAI in chosen.get_data(as_text=True)


def test_results_are_paginated_with_the_filters_kept(published, client, monkeypatch):
    monkeypatch.setattr("app.reading.routes.PER_PAGE", 2)
    first = client.get("/search", query_string={"objective": "6"}).get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "/search?page=2&amp;objective=6" in first or "/search?objective=6&amp;page=2" in first
    second = client.get("/search", query_string={"objective": "6", "page": "2"})
    assert "Page 2 of 2" in second.get_data(as_text=True)


def test_highlighting_marks_the_words_and_escapes_the_text():
    marked = str(highlight("<b>Bold</b> & claims about BOLD", "bold"))
    assert marked == "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt; &amp; claims about <mark>BOLD</mark>"
    assert str(highlight("<b>x</b>", "<b>")) == "<mark>&lt;b&gt;</mark>x&lt;/b&gt;"
    assert str(highlight("<b>x</b>", "")) == "&lt;b&gt;x&lt;/b&gt;"


def test_each_text_shows_its_reference_and_how_to_cite_it(published, client):
    slug = published.consultation.slug
    page = client.get(f"/read/consultations/{slug}").get_data(as_text=True)
    assert "S-002 ¶2" in page
    assert (
        "a trade union. In: Recruitment fees, compiled input, version 1, S-002 ¶2. Published "
        in page
    )
    assert f"/read/consultations/{slug}?submission=S-002#p-S-002-2" in page
    assert 'id="p-S-002-2"' in page
    only = client.get(f"/read/consultations/{slug}?submission=S-002").get_data(as_text=True)
    assert THAI in only and CHINESE not in only
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page and "<b>Bold</b>" not in page


def test_reading_pages_by_objective_place_and_language(published, client):
    index = client.get("/read").get_data(as_text=True)
    assert "/read/objectives/14" in index and "/read/places/PH" in index
    assert "/read/languages/th" in index and published.consultation.title in index
    assert NEPALI in client.get("/read/objectives/14").get_data(as_text=True)
    assert THAI in client.get("/read/languages/th").get_data(as_text=True)
    assert client.get("/read/objectives/24").status_code == 404
    assert client.get("/read/places/XX").status_code == 404
    assert client.get("/read/languages/xx").status_code == 404


def test_a_facilitator_withdraws_a_version_from_the_public(published, app, client):
    staff = app.test_client()
    sign_in(staff, published.facilitator)
    slug = published.consultation.slug
    listing = staff.get(f"/consultations/{slug}/compilations").get_data(as_text=True)
    assert f"/compilations/{published.compilation.id}/unpublish" in listing
    assert f"/compilations/{published.compilation.id}/unpublish" not in client.get(
        f"/consultations/{slug}/compilations"
    ).get_data(as_text=True)
    response = staff.post(f"/compilations/{published.compilation.id}/unpublish")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PublishedPassage)) == 0
    assert "0 passages" in client.get("/search", query_string={"q": "ค่านายหน้า"}).get_data(
        as_text=True
    )


def test_reindex_fills_the_passages_again_from_the_published_files(published, app):
    db.session.execute(delete(PublishedPassage))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reading", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"consultation {published.consultation.id}: 6 passages" in result.output
    assert _texts(Filters(q="ថ្លៃសេវា")) == [KHMER]


def test_a_page_of_results_takes_one_statement_however_many_it_shows(published, count_queries):
    with count_queries() as few:
        assert len(find_passages(Filters(q="ថ្លៃសេវា"), 1).items) == 1
    with count_queries() as many:
        page = find_passages(Filters(), 1)
    assert len(page.items) == 6 and page.total == 6
    assert len(few) == len(many) == 1
    # The page's consultations, reviews and objectives came with it.
    with count_queries() as shown:
        assert [p.consultation.title for p in page.items] == ["Recruitment fees"] * 6
        assert {p.consultation.review.level for p in page.items} == {"regional"}
        assert {n for p in page.items for n in p.objectives} == {6, 14}
    assert shown == []
    with count_queries() as past_the_end:
        assert find_passages(Filters(), 2).total == 6  # no rows: one more counts them
    assert len(past_the_end) == 2


def test_the_search_page_takes_the_same_statements_however_much_is_published(
    published, client, count_queries
):
    with count_queries() as one:
        assert "S-001 ¶1" in client.get("/search?q=charged").get_data(as_text=True)
    facilitator = make_user(role="facilitator")
    other = make_consultation(facilitator=facilitator, title="Wage theft", objectives=(6,))
    for name, country in (("Second Network", "KE"), ("Third Network", "PE")):
        make_submission(
            other,
            make_org(name=name, countries=[country]),
            state="accepted",
            texts={"q1": f"{name} saw wages charged twice.", "q2": "Deducted."},
        )
    other.deadline_at = utcnow() - timedelta(days=1)
    db.session.commit()
    compile_edition(other, facilitator)
    with count_queries() as two:
        page = client.get("/search?q=charged").get_data(as_text=True)
    assert "Wage theft" in page and "Second Network saw wages" in page
    assert len(one) == len(two) <= 3


def test_the_search_form_lists_only_what_public_passages_have(published, client):
    def options(page: str, name: str) -> set[str]:
        select_ = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
        return set(re.findall(r'<option value="([^"]*)"', select_.group(1)))

    page = client.get("/search?language=th").get_data(as_text=True)
    assert options(page, "consultation") == {"", published.consultation.slug}
    # The named text's country; not the confidential one's (TH), nor the anonymous one's.
    assert options(page, "place") == {"", "PH"}
    assert options(page, "language") == {"", "en", "th"}
    assert '<option value="th" selected>' in page
    published.consultation.published = False
    db.session.commit()
    page = client.get("/search").get_data(as_text=True)
    assert options(page, "consultation") == options(page, "place") == {""}
    assert options(page, "language") == {""}


@pytest.mark.parametrize("query", ['"', 'a"b*c', "NEAR(x y", "%_\\", "(((", "OR AND NOT", "x"])
def test_search_syntax_in_a_query_is_only_text(published, client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "0 passages" in response.get_data(as_text=True)
    assert _texts(Filters(q="%")) == [] and _texts(Filters(q="_")) == []


def test_checked_translations_are_read_and_searched_beside_their_original(client, db, published):
    """A checked translation of a published text is a passage of its own (same reference,
    its own language); not checked, or edited after the check, it is nowhere."""
    from app.submission_translations import services as translations

    named = published.named
    lead = named.lead_organization.memberships[0].user
    now, in_app = utcnow(), client.application.test_request_context("/")
    thai_q1 = "ค่าธรรมเนียมถูกเรียกเก็บสองครั้ง\n\nตัวหนาและคำกล่าวอ้าง"
    by_key = {s.key: s for s in named.sections}
    with in_app:
        translation = translations.add_translation(lead, named, "th", "authors", None, False, now)
        translations.save_section(lead, translation, by_key["q1"], thai_q1, None, now)
        translations.save_section(lead, translation, by_key["q2"], "คนงานรายงาน", None, now)
        db.session.commit()
    assert "<mark>ถูกเรียกเก็บ</mark>" not in client.get("/search?q=ถูกเรียกเก็บ").get_data(as_text=True)

    with client.application.test_request_context("/"):
        translations.check_translation(published.facilitator, translation, now)
        db.session.commit()
    page = client.get("/search?q=ถูกเรียกเก็บ").get_data(as_text=True)
    assert "ค่าธรรมเนียม<mark>ถูกเรียกเก็บ</mark>สองครั้ง" in page
    assert "Checked translation. Written in" in page
    original = client.get("/search?q=charged twice").get_data(as_text=True)
    reference = re.search(r"<strong>(S-\d+ ¶\d+)</strong>", original).group(1)
    assert f"<strong>{reference}</strong>" in page  # the original's reference, unchanged
    api = client.get(f"/api/v1/compilations/{published.compilation.id}").get_json()
    thai = [p for p in api["passages"] if p["language"] == "th" and p["translated_from"]]
    assert thai and all(p["translated_from"] == "en" for p in thai)

    # Edited after the check: not checked any more, so off the pages at once.
    with client.application.test_request_context("/"):
        translations.save_section(lead, translation, by_key["q2"], "คนงานรายงานอีกครั้ง", None, now)
        db.session.commit()
    assert "ค่าธรรมเนียมถูกเรียกเก็บสองครั้ง" not in client.get("/search?q=ถูกเรียกเก็บ").get_data(
        as_text=True
    )


def test_a_search_is_one_statement_and_publication_leaves_the_index_settled(
    published, count_queries
):
    """On PostgreSQL, publishing moves the new entries of the trigram index out of its
    pending list, where the planner would price the index too high (and each search would
    read them one by one): so a search needs no planner setting, only its one statement
    (issue 19). SQLite's full-text index has no such list."""
    from sqlalchemy import text

    from app.reading.models import TRIGRAM_INDEX

    if backend_for_tests() == "postgres":
        pending = text(f"SELECT gin_clean_pending_list('{TRIGRAM_INDEX}')")
        assert db.session.scalar(pending) == 0  # nothing was left pending by the publication
    with count_queries() as statements:
        assert len(find_passages(Filters(q="ថ្លៃសេវា"), 1).items) == 1
    assert len(statements) == 1, statements
