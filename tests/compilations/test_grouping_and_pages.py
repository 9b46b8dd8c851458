from sqlalchemy import select

from app.compilations.content import accepted_submissions, build_content
from app.compilations.models import Compilation, DownloadRecord
from app.compilations.services import changes
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.factories import make_consultation, make_org, make_submission, make_user


def _content(scenario, grouping):
    consultation = scenario.consultation
    return build_content(
        consultation,
        accepted_submissions(consultation),
        edition="restricted",
        grouping=grouping,
        language="en",
        version=1,
        now=utcnow(),
    )


def test_groups_follow_the_chosen_order(app, scenario):
    with app.test_request_context("/"):
        by_question = _content(scenario, "question")
        by_objective = _content(scenario, "objective")
        by_cluster = _content(scenario, "cluster")
    assert [g["key"] for g in by_question["groups"]] == ["q1", "q2"]
    assert [g["key"] for g in by_objective["groups"]] == ["6", "14"]  # question 1 is objective 6
    assert [g["key"] for g in by_cluster["groups"]] == ["1", "3"]  # clusters of 6 and 14
    first = by_question["groups"][0]["items"]
    assert [i["ref"] for i in first] == ["S-001", "S-002", "S-003"]
    numbers = [p["n"] for g in by_question["groups"] for i in g["items"] for p in i["paragraphs"]]
    assert numbers == list(range(1, len(numbers) + 1))


def _compiled(app, scenario):
    from app.compilations.services import build_compilation

    with app.test_request_context("/"):
        compilation = build_compilation(
            scenario.consultation,
            "question",
            "en",
            scenario.facilitator.id,
            None,
            lambda f, s: None,
        )
    _db.session.commit()
    return compilation


def test_restricted_downloads_are_recorded_and_shown_to_the_lead(
    app, scenario, signed_in_client, client, db
):
    compilation = _compiled(app, scenario)
    restricted = compilation.file("restricted", "pdf")
    public = compilation.file("public", "pdf")
    url = f"/compilations/{compilation.id}/files/{restricted.id}"
    assert client.get(url).headers["Location"].startswith("/sign-in")  # a visitor
    assert signed_in_client(make_user()).get(url).status_code == 404
    response = signed_in_client(scenario.reviewer).get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()
    record = db.session.scalar(select(DownloadRecord))
    assert (record.role, record.user_id) == ("un-reviewer", scenario.reviewer.id)
    page = signed_in_client(scenario.lead_owner).get(f"/submissions/{scenario.named.id}")
    body = page.get_data(as_text=True)
    assert "Downloads of the restricted edition with your text" in body and "UN reviewer" in body
    public_url = f"/compilations/{compilation.id}/files/{public.id}"
    assert client.get(public_url).headers["Location"].startswith("/sign-in")  # not published


def test_publishing_puts_the_public_edition_on_the_consultation_page(
    app, scenario, signed_in_client, client, db
):
    compilation = _compiled(app, scenario)
    staff = signed_in_client(scenario.facilitator)
    published = staff.post(f"/compilations/{compilation.id}/publish", data={"confirm": "yes"})
    assert published.status_code == 303
    page = client.get(f"/consultations/{scenario.consultation.slug}").get_data(as_text=True)
    public = compilation.file("public", "docx")
    assert public.sha256 in page
    assert compilation.file("restricted", "docx").sha256 not in page
    response = client.get(f"/compilations/{compilation.id}/files/{public.id}")
    assert response.status_code == 200
    response.close()
    db.session.refresh(scenario.consultation)
    assert scenario.consultation.state(utcnow()) != "compiled"  # drafting stays open


def test_versions_list_what_changed(app, scenario, db):
    first = _compiled(app, scenario)
    late = make_submission(make_consultation(), make_org(), texts={"q1": "x"})
    late.consultation_id = scenario.consultation.id
    scenario.confidential.state = "withdrawn"
    from app.submissions.models import Revision

    section = scenario.named.section("q1")
    revision = Revision(
        section_id=section.id, body="Revised text.", kind="edit", created_at=utcnow()
    )
    db.session.add(revision)
    db.session.flush()
    section.current_revision_id = revision.id
    db.session.commit()
    second = _compiled(app, scenario)
    diff = changes(second, first)
    assert diff["removed"] == [scenario.confidential.id]
    assert diff["revised"] == [scenario.named.id]
    assert diff["added"] == []


def test_starting_a_compilation_runs_the_job_and_shows_progress(
    app, scenario, signed_in_client, db
):
    staff = signed_in_client(scenario.facilitator)
    slug = scenario.consultation.slug
    response = staff.post(
        f"/consultations/{slug}/compilations", data={"grouping": "objective", "language": "en"}
    )
    assert response.status_code == 303
    progress = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 is ready." in progress
    compilation = db.session.scalar(select(Compilation))
    assert compilation.grouping == "objective" and compilation.job_id is not None
    page = staff.get(f"/consultations/{slug}/compilations").get_data(as_text=True)
    assert compilation.file("restricted", "csv").sha256 in page
    member = signed_in_client(make_user())
    assert member.post(f"/consultations/{slug}/compilations", data={}).status_code == 403


def test_nothing_to_compile_says_so(app, signed_in_client):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator, state="closed")
    response = signed_in_client(facilitator).post(
        f"/consultations/{consultation.slug}/compilations",
        data={"grouping": "question", "language": "en"},
    )
    assert response.status_code == 303
    assert _db.session.scalar(select(Compilation)) is None


def test_compile_command_prints_files_and_hashes(app, scenario):
    result = app.test_cli_runner().invoke(args=["compile", scenario.consultation.slug])
    assert result.exit_code == 0, result.output
    compilation = _db.session.scalar(select(Compilation))
    for stored in compilation.files:
        assert f"{stored.sha256}  " in result.output
        assert stored.path.split("/")[-1] in result.output
