"""Issue 15: references that hold across editions and versions, Word equal to the PDF, and
what a secretariat officer expects (table of submissions, index by objective, symbol...)."""

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pypdf
import pytest
from docx import Document
from sqlalchemy import select

from app.compilations.models import Compilation
from app.compilations.references import paragraph_reference, submission_reference
from app.compilations.services import build_compilation, file_path
from app.extensions import db
from app.timeutil import utcnow
from tests.factories import make_org, make_submission, make_user

SYMBOL = "ESCAP/GCM/2027/INF/3"


def _build(scenario, grouping="question"):
    compilation = build_compilation(
        scenario.consultation, grouping, "en", scenario.facilitator.id, None, lambda f, s: None
    )
    db.session.commit()
    return {(f.edition, f.format): file_path(f).read_bytes() for f in compilation.files}


def _late_submission(scenario, state, name, texts=None):
    """A submission started while drafting was still open (the scenario's deadline passed)."""
    deadline = scenario.consultation.deadline_at
    scenario.consultation.deadline_at = utcnow() + timedelta(days=1)
    made = make_submission(scenario.consultation, make_org(name=name), state=state, texts=texts)
    scenario.consultation.deadline_at = deadline
    db.session.commit()
    return made


def _cited(files, edition) -> dict[str, str]:
    """Every paragraph's text -> the reference printed for it, from the JSON."""
    data = json.loads(files[(edition, "json")])
    return {
        p["text"]: p["ref"]
        for group in data["groups"]
        for item in group["items"]
        for p in item["paragraphs"]
    }


def test_references_are_the_same_in_both_editions_and_in_later_versions(app, scenario):
    with app.test_request_context("/"):
        first = _build(scenario)
        # Between the versions: one submission is withdrawn, one is added and accepted.
        scenario.anonymous.state = "withdrawn"
        late = _late_submission(
            scenario,
            "accepted",
            "Late Network",
            {"q1": "Late first.\n\nLate second.", "q2": "Late third."},
        )
        db.session.commit()
        second = _build(scenario, grouping="objective")

    v1_public, v1_restricted = _cited(first, "public"), _cited(first, "restricted")
    v2_public, v2_restricted = _cited(second, "public"), _cited(second, "restricted")
    # The confidential submission (only in the restricted edition) takes no number from
    # the others: every text in both editions and versions carries one reference.
    for text, ref in v1_restricted.items():
        for other in (v1_public, v2_public, v2_restricted):
            if text in other:
                assert other[text] == ref, text
    named = submission_reference(scenario.named)
    assert v1_public["Named two."] == v2_restricted["Named two."] == f"{named} ¶3"
    confidential = v1_restricted["Confidential testimony about detention."]
    assert confidential == f"{submission_reference(scenario.confidential)} ¶1" == "S-003 ¶1"
    # The withdrawn one leaves a gap (S-002 is nobody's in version 2); the new one is S-004.
    refs_v2 = [s["ref"] for s in json.loads(second[("restricted", "json")])["submissions"]]
    assert refs_v2 == ["S-001", "S-003", "S-004"]
    assert v2_public["Late third."] == "S-004 ¶3" == paragraph_reference(late, 3)
    assert json.loads(second[("public", "json")])["submissions"][-1]["reference"] == (
        f"{scenario.consultation.slug.upper()}/S-004"
    )
    # The running number is only a convenience: it differs between editions.
    running = {
        edition: {
            p["text"]: p["n"]
            for g in json.loads(second[(edition, "json")])["groups"]
            for i in g["items"]
            for p in i["paragraphs"]
        }
        for edition in ("public", "restricted")
    }
    assert set(running["public"].values()) != set(running["restricted"].values())
    # The printed documents carry the same references.
    for files in (first, second):
        pdf = "".join(
            p.extract_text()
            for p in pypdf.PdfReader(io.BytesIO(files[("restricted", "pdf")])).pages
        )
        assert "S-003" in pdf
        word = Document(io.BytesIO(files[("restricted", "docx")]))
        paragraphs = [p.text for p in word.paragraphs]
        assert any(t.startswith("¶1 Confidential testimony about detention.") for t in paragraphs)


def test_acceptance_fixes_the_number_once_and_never_reuses_it(app, scenario):
    from app.submissions import services

    with app.test_request_context("/"):
        first = _late_submission(scenario, "submitted", "First Org")
        second = _late_submission(scenario, "submitted", "Second Org")
        services.accept(scenario.facilitator, first, utcnow())
        first.state = "withdrawn"
        services.accept(scenario.facilitator, second, utcnow())
        db.session.commit()
    assert (first.reference_number, second.reference_number) == (4, 5)
    from app.outcomes.routes import cite

    assert cite(second, None) == "S-005" and cite(second, 2) == "S-005 ¶2"


def _docx_part(data: bytes, prefix: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith(prefix)
        )


@pytest.mark.parametrize("edition", ["public", "restricted"])
def test_word_carries_everything_the_pdf_does(app, scenario, edition):
    scenario.consultation.document_symbol = SYMBOL
    scenario.consultation.review_meeting_at = utcnow() + timedelta(days=30)
    db.session.commit()
    with app.test_request_context("/"):
        files = _build(scenario)
    data = json.loads(files[(edition, "json")])
    labels, details = data["labels"], data["consultation"]
    raw = files[(edition, "docx")]
    word = Document(io.BytesIO(raw))
    body = [p.text for p in word.paragraphs]
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    # Cover: every date, the version, the edition and the symbol.
    for value in (details["opens"], details["deadline"], details["review_meeting"]):
        assert value and value in cells
    assert data["compiled_on"] in cells and str(data["version"]) in cells
    assert labels["edition"] in body and SYMBOL in body
    # The header of every page: symbol, title, edition; the footer: a PAGE field.
    section = word.sections[0]
    assert not section.different_first_page_header_footer
    header = section.header.paragraphs[0].text
    assert SYMBOL in header and labels["edition"] in header and details["title"] in header
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", _docx_part(raw, "word/footer"))
    # Contents: a TOC field over level-1 headings, updated when Word opens the file.
    document_xml = _docx_part(raw, "word/document.xml")
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-1"', document_xml)
    assert 'w:updateFields w:val="true"' in _docx_part(raw, "word/settings.xml")
    # Figures with the coverage table, and the table of submissions.
    headers = [[c.text for c in t.rows[0].cells] for t in word.tables]
    assert [labels["objective"], labels["sections"]] in headers
    table = next(t for t in word.tables if t.rows[0].cells[0].text == labels["reference"])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == [s["ref"] for s in data["submissions"]]
    assert [r[1] for r in rows] == [s["credit"] for s in data["submissions"]]
    assert [r[4] for r in rows] == [s["paragraph_range"] for s in data["submissions"]]
    # Numbered paragraphs under credit lines; endorsers with the text; the annex.
    named = data["submissions"][0]
    assert f"{named['ref']} · {named['credit']}" in body
    assert any(t.startswith("¶2 ") and "#set page" in t for t in body)
    assert any(t.startswith(labels["signed_on_by"]) and "Loud Endorsing Union" in t for t in body)
    assert labels["annex"] in body and labels["objective_index"] in body
    chapters = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert chapters == [
        labels["method"],
        labels["figures"],
        labels["submission_table"],
        labels["objective_index"],
        *(group["title"] for group in data["groups"]),
        labels["annex"],
    ]


def test_officers_table_index_context_and_symbol(app, scenario):
    scenario.consultation.document_symbol = SYMBOL
    db.session.commit()
    with app.test_request_context("/"):
        files = _build(scenario, grouping="objective")
    data = json.loads(files[("restricted", "json")])
    assert data["consultation"]["symbol"] == SYMBOL
    # Index by objective: every paragraph of every section tagged with the objective.
    for row in data["objective_index"]:
        expected = [
            (s["ref"], sec["first"], sec["first"] + len(sec["paragraphs"]) - 1)
            for s in data["submissions"]
            for sec in s["sections"]
            if row["objective"] in sec["objectives"]
        ]
        assert row["paragraphs"] == sum(b - a + 1 for _, a, b in expected)
        assert row["submissions"] == len({ref for ref, _, _ in expected})
        assert len(row["references"]) == len(expected)
    assert any(row["paragraphs"] for row in data["objective_index"])
    # Each text shows its question (grouped by objective), its language and endorsers.
    item = data["groups"][0]["items"][0]
    assert item["question"] and item["question"] in item["context"]
    assert "English" in item["context"]
    named = next(i for g in data["groups"] for i in g["items"] if i["ref"] == "S-001")
    assert any("Loud Endorsing Union" in e for e in named["endorsements"])
    assert all("Shy Endorsing Union" not in e for e in named["endorsements"])
    # The table of submissions: words and paragraph ranges add up.
    for entry in data["submissions"]:
        count = sum(len(sec["paragraphs"]) for sec in entry["sections"])
        assert entry["paragraph_range"] == (f"¶1–{count}" if count > 1 else "¶1")
        assert entry["words"] == sum(
            len(p.split()) for sec in entry["sections"] for p in sec["paragraphs"]
        )
    assert data["method"] and data["consultation"]["deadline"] in data["method"][0]
    # The symbol on every page of the PDF, and in every CSV row.
    pages = pypdf.PdfReader(io.BytesIO(files[("restricted", "pdf")])).pages
    assert len(pages) > 3 and all(SYMBOL in page.extract_text() for page in pages)
    rows = list(csv.DictReader(io.StringIO(files[("public", "csv")].decode("utf-8-sig"))))
    assert rows and {row["document_symbol"] for row in rows} == {SYMBOL}
    assert {row["reference"].split("/")[-1] for row in rows} == {"S-001", "S-002"}


def test_the_symbol_is_set_on_the_compile_form(app, scenario, signed_in_client):
    staff = signed_in_client(scenario.facilitator)
    url = f"/consultations/{scenario.consultation.slug}/compilations"
    bad = staff.post(url, data={"grouping": "question", "language": "en", "symbol": "<b>x</b>"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Use letters, digits" in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert db.session.scalar(select(Compilation)) is None
    good = staff.post(url, data={"grouping": "question", "language": "en", "symbol": SYMBOL})
    assert good.status_code == 303
    db.session.expire_all()
    assert scenario.consultation.document_symbol == SYMBOL
    assert SYMBOL in staff.get(url).get_data(as_text=True)
    outsider = signed_in_client(make_user())
    assert outsider.post(url, data={"symbol": "X/1"}).status_code == 403
