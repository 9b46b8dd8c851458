import pytest

from app.consultations.models import Participation
from app.extensions import db as _db
from tests.factories import (
    join_consultation,
    make_consultation,
    make_org,
    make_review,
    make_user,
)


def _titles(client, query=""):
    body = client.get(f"/consultations?{query}").get_data(as_text=True)
    return body


def test_filters_and_search(client):
    regional = make_review()
    national = make_review(level="national", area_kind="country", area="NP")
    make_consultation(
        title="Fair recruitment in the region",
        review=regional,
        objectives=(6,),
        languages=("en", "id"),
    )
    make_consultation(
        title="Nepali workers abroad",
        review=national,
        objectives=(7,),
        languages=("ne",),
        state="upcoming",
    )
    make_consultation(title="Old closed one", review=regional, objectives=(6,), state="closed")

    def titles(query):
        body = _titles(client, query)
        return {t for t in ("Fair recruitment", "Nepali workers", "Old closed") if t in body}

    assert titles("") == {"Fair recruitment", "Nepali workers", "Old closed"}
    assert titles("level=national") == {"Nepali workers"}
    assert titles("area=NP") == {"Nepali workers"}
    assert titles("objective=6") == {"Fair recruitment", "Old closed"}
    assert titles("state=open") == {"Fair recruitment"}
    assert titles("state=upcoming") == {"Nepali workers"}
    assert titles("state=closed") == {"Old closed"}
    assert titles("language=id") == {"Fair recruitment"}
    assert titles("q=RECRUITMENT") == {"Fair recruitment"}


def test_drafts_are_shown_to_their_staff_only(client, signed_in_client):
    facilitator = make_user(role="facilitator")
    make_consultation(title="Secret draft", state="draft", facilitator=facilitator)
    assert "Secret draft" not in _titles(client)
    assert "Secret draft" in signed_in_client(facilitator).get("/consultations").get_data(
        as_text=True
    )
    other = signed_in_client(make_user(role="facilitator"))
    assert "Secret draft" not in other.get("/consultations").get_data(as_text=True)


def test_htmx_asks_only_for_the_results(client):
    make_consultation(title="Fair recruitment")
    body = client.get("/consultations?q=fair", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert body.lstrip().startswith('<section id="results"') and "Fair recruitment" in body


def test_dashboard_shows_organizations_and_coverage_gaps(signed_in_client):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, objectives=(6, 7))
    join_consultation(consultation, make_org(name="Hidden Partner", listed=False))
    page = signed_in_client(facilitator).get(f"/consultations/{consultation.slug}/dashboard")
    body = page.get_data(as_text=True)
    assert "Hidden Partner" in body  # facilitators see every participant
    assert "Objective 6" in body and "gap" in body
    member = signed_in_client(make_user())
    assert member.get(f"/consultations/{consultation.slug}/dashboard").status_code == 403


def _bulk(count: int, facilitator) -> None:
    review = make_review()
    for number in range(count):
        consultation = make_consultation(
            title=f"Bulk {number}", review=review, facilitator=facilitator, questions=1
        )
        org = make_org(name=f"Bulk org {number}")
        consultation.participations.append(Participation(organization_id=org.id, state="joined"))
    _db.session.commit()


@pytest.mark.parametrize("page", ["list", "view", "dashboard"])
def test_pages_make_a_fixed_number_of_queries(signed_in_client, count_queries, page):
    facilitator = make_user(role="facilitator")
    client = signed_in_client(facilitator)
    target = make_consultation(title="Target", facilitator=facilitator, questions=3)
    url = {
        "list": "/consultations",
        "view": f"/consultations/{target.slug}",
        "dashboard": f"/consultations/{target.slug}/dashboard",
    }[page]
    for number in range(3):
        join_consultation(target, make_org(name=f"Small {number}"))
    _bulk(3, facilitator)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for number in range(30):
        join_consultation(target, make_org(name=f"Large {number}", listed=number % 2 == 0))
    _bulk(25, facilitator)
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large), large


def test_dashboard_pages_through_its_lists(signed_in_client):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    for number in range(52):
        join_consultation(consultation, make_org(name=f"Org {number:02d}"))
    client = signed_in_client(facilitator)
    url = f"/consultations/{consultation.slug}/dashboard"
    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert "Org 00" in first and "Org 51" not in first
    assert "Org 51" in second and "Org 00" not in second


@pytest.mark.parametrize("role", ["focal-point", "un-reviewer", "facilitator"])
def test_the_list_shows_an_unpublished_consultation_to_exactly_those_who_may_open_it(
    signed_in_client, role
):
    """The list's filter and the policy rule "consultation.view" must agree: a safeguarding
    focal point of a draft consultation sees neither its page nor its title."""
    from app.consultations.models import ConsultationStaff

    account_role = role if role != "focal-point" else "member"
    person = make_user(role=account_role, two_factor=True)
    consultation = make_consultation(title="Unpublished draft", state="draft")
    consultation.staff.append(ConsultationStaff(user_id=person.id, role=role))
    _db.session.commit()
    client = signed_in_client(person)
    opens = client.get(f"/consultations/{consultation.slug}").status_code == 200
    listed = "Unpublished draft" in client.get("/consultations").get_data(as_text=True)
    assert listed == opens
    assert opens == (role != "focal-point")


def test_dashboard_rows_link_to_the_submissions_facilitators_may_read(signed_in_client):
    from tests.factories import make_submission

    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    sent = make_submission(consultation, make_org(name="Sent Org"), state="submitted")
    draft = make_submission(consultation, make_org(name="Drafting Org"))
    body = signed_in_client(facilitator).get(f"/consultations/{consultation.slug}/dashboard")
    page = body.get_data(as_text=True)
    assert f'<a href="/submissions/{sent.id}">Sent Org</a>' in page
    assert f'href="/submissions/{draft.id}"' not in page  # a draft is not theirs to read
    assert "Drafting Org" in page


# Statements per page for a signed-in facilitator (issue "Rendered pages at speed"): the
# account with its session, safety roles and memberships is one; the list's total comes
# with its rows; the listed participants come with their counts; the dashboard's counts
# (participants, submissions by state, coverage of objectives) are one statement.
STATEMENT_BUDGET = {"list": 3, "view": 10, "dashboard": 7}


@pytest.mark.parametrize("page", ["list", "view", "dashboard"])
def test_pages_stay_within_their_statement_budget(signed_in_client, count_queries, page):
    facilitator = make_user(role="facilitator")
    client = signed_in_client(facilitator)
    target = make_consultation(title="Target", facilitator=facilitator, questions=3)
    for number in range(3):
        join_consultation(target, make_org(name=f"Org {number}"))
    url = {
        "list": "/consultations",
        "view": f"/consultations/{target.slug}",
        "dashboard": f"/consultations/{target.slug}/dashboard",
    }[page]
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) <= STATEMENT_BUDGET[page], "\n".join(statements)


@pytest.mark.parametrize("documents", [0, 3])
def test_a_visitor_reads_a_consultation_page_in_six_statements(client, count_queries, documents):
    """The consultation with its objectives' and languages' codes; its questions; its
    documents with their files (however many); the listed participants with their counts;
    its sessions; its latest compilation. The staff are not read for a visitor."""
    from app.consultations.models import ConsultationDocument
    from tests.world import tiny_pdf

    target = make_consultation(
        title="Target", questions=3, objectives=(6, 23), languages=("en", "ne")
    )
    for number in range(3):
        join_consultation(target, make_org(name=f"Org {number}"))
    uploader = make_user(role="facilitator")
    for number in range(documents):
        target.documents.append(
            ConsultationDocument(file=tiny_pdf(uploader), title=f"Background {number}")
        )
    _db.session.commit()
    url = f"/consultations/{target.slug}"
    with count_queries() as statements:  # the first view: rendered, then kept for visitors
        page = client.get(url)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Org 0" in body
    assert "Objective 6" in body and "Objective 23" in body and "Nepali" in body
    assert body.count("Background ") == documents and "Guiding questions" in body
    assert len(statements) == 6, "\n".join(statements)
    assert not any("consultation_staff" in s.split("WHERE")[0] for s in statements)


def test_the_list_filters_are_in_each_reader_language(client):
    """The filters' fixed choices are made once per language (issue 19): one language's
    labels never show in another's list."""
    make_consultation(title="Any consultation")

    def objective_options(language: str) -> str:
        page = client.get("/consultations", headers={"Accept-Language": language})
        select = page.get_data(as_text=True).split('id="objective"')[1].split("</select>")[0]
        return select

    indonesian, english = objective_options("id"), objective_options("en")
    assert ">Semua<" in indonesian and ">All<" not in indonesian
    assert ">All<" in english and ">Semua<" not in english
    assert objective_options("id") == indonesian  # the kept choices, the same again
