"""The compiled files, read back: order, attribution, literal text, scripts, properties."""

import csv
import io
import json
import re
import zipfile

import pikepdf
import pypdf
import pytest
from sqlalchemy import select

from app.compilations.models import Compilation
from app.compilations.services import build_compilation, file_path
from tests.compilations.conftest import SCRIPTS, TRICKY

# Characters of each script, to find in the PDF's extracted text: pypdf does not put
# complex clusters back together in order, so whole words are checked where it can.
SCRIPT_RANGES = {
    "ar": "\u0600-\u06ff",
    "ne": "\u0900-\u097f",
    "bn": "\u0980-\u09ff",
    "my": "\u1000-\u109f",
    "km": "\u1780-\u17ff",
    "th": "\u0e00-\u0e7f",
    "si": "\u0d80-\u0dff",
    "ta": "\u0b80-\u0bff",
    "zh": "\u4e00-\u9fff",
}


def _build(scenario, grouping="question", language="en"):
    compilation = build_compilation(
        scenario.consultation, grouping, language, scenario.facilitator.id, None, lambda f, s: None
    )
    from app.extensions import db

    db.session.commit()
    return {(f.edition, f.format): file_path(f).read_bytes() for f in compilation.files}


def _all_text(files, edition) -> str:
    """Every byte of an edition, made readable: PDF text and streams, DOCX parts, JSON, CSV."""
    pdf = files[(edition, "pdf")]
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    parts = [page.extract_text() for page in reader.pages]
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                parts.append(obj.read_bytes().decode("latin-1"))
        parts.append(str(dict(document.docinfo)))
    with zipfile.ZipFile(io.BytesIO(files[(edition, "docx")])) as archive:
        parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    parts.append(files[(edition, "json")].decode("utf-8"))
    parts.append(files[(edition, "csv")].decode("utf-8"))
    return "\n".join(parts)


def test_compilation_files_follow_every_attribution_choice(app, scenario):
    with app.test_request_context("/"):
        files = _build(scenario)
    assert set(files) == {
        (e, f) for e in ("public", "restricted") for f in ("pdf", "docx", "json", "csv")
    }

    public = json.loads(files[("public", "json")])
    restricted = json.loads(files[("restricted", "json")])
    assert public["schema"] == "gcm-compiled-input/1"
    assert [s["id"] for s in public["submissions"]] == [scenario.named.id, scenario.anonymous.id]
    assert [s["id"] for s in restricted["submissions"]] == [
        scenario.named.id,
        scenario.anonymous.id,
        scenario.confidential.id,
    ]
    credits = [s["credit"] for s in public["submissions"]]
    # Two organizations are credited without their name in the public edition (a writer in
    # Nepal, an endorser in the Philippines): fewer than three share any area, so none is
    # named (hole 14). The restricted edition adds the confidential writer in Thailand:
    # three share Asia, and only Asia.
    assert credits == ["Open Hands Network", "a trade union"]
    assert public["figures"]["anonymous_areas"] == []
    assert restricted["submissions"][2]["credit"] == "a faith-based group in Asia"
    assert restricted["figures"]["anonymous_areas"] == ["Asia"]

    # No byte of the public edition names or reaches an anonymous or confidential writer.
    public_text = _all_text(files, "public")
    for secret in scenario.secrets:
        assert secret not in public_text, secret
    assert "Loud Endorsing Union" in public_text  # named endorsers are in the annex
    # The restricted edition has the confidential text, still without names.
    restricted_text = _all_text(files, "restricted")
    assert "Confidential testimony about detention." in restricted_text
    for name in ("Hidden Helpers Circle", "Quiet Shelter Group", "Secretive Member Person"):
        assert name not in restricted_text


def test_user_text_comes_out_literally_in_every_format(app, scenario):
    with app.test_request_context("/"):
        files = _build(scenario)
    pdf_text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files[("public", "pdf")])).pages
    )
    flat = re.sub(r"\s+", " ", pdf_text)
    assert '#set page(fill: red) #import "x.typ" *bold* _under_ <script>alert(1)</script>' in flat
    with pikepdf.open(io.BytesIO(files[("public", "pdf")])) as pdf:
        first_page_fill = pdf.pages[0].obj.get("/Contents")
        assert first_page_fill is not None  # the page renders; the text did not restyle it
    docx_xml = zipfile.ZipFile(io.BytesIO(files[("public", "docx")])).read("word/document.xml")
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in docx_xml and b"<script>" not in docx_xml
    rows = list(csv.reader(io.StringIO(files[("public", "csv")].decode("utf-8-sig"))))
    texts = [row[9] for row in rows[1:]]
    assert any(TRICKY in text for text in texts)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    data = json.loads(files[("public", "json")])
    assert TRICKY in data["submissions"][0]["sections"][0]["paragraphs"]


def test_every_script_reaches_the_pdf_text(app, scenario):
    with app.test_request_context("/"):
        files = _build(scenario)
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files[("public", "pdf")])).pages
    )
    for script, letters in SCRIPT_RANGES.items():
        found = re.findall(f"[{letters}]", text)
        assert len(found) >= 8, script
    for word in ("يفيد", "கட்டணத்தை", "工人们报告说偿还招聘费需要一年的工资", "भर्ती"):
        assert word in text
    assert all(script in SCRIPT_RANGES for script in SCRIPTS)


def test_neutral_document_properties(app, scenario):
    with app.test_request_context("/"):
        files = _build(scenario)
    with pikepdf.open(io.BytesIO(files[("public", "pdf")])) as pdf:
        assert set(pdf.docinfo.keys()) == {"/Title"}
        assert "/Metadata" not in pdf.Root
    with zipfile.ZipFile(io.BytesIO(files[("public", "docx")])) as archive:
        core = archive.read("docProps/core.xml").decode()
        app_xml = archive.read("docProps/app.xml").decode()
    assert "<dc:creator></dc:creator>" in core or "<dc:creator/>" in core
    assert "Application" not in app_xml and "Company" not in app_xml


def test_large_compilations_are_typeset_in_fresh_processes_with_the_same_result(
    app, scenario, monkeypatch
):
    from app.compilations import services

    with app.test_request_context("/"):
        in_process = _build(scenario)
    monkeypatch.setattr(services, "SEPARATE_PROCESS_PARAGRAPHS", 0)
    with app.test_request_context("/"):
        separate = _build(scenario)
    for edition in ("public", "restricted"):
        texts = []
        for files in (in_process, separate):
            reader = pypdf.PdfReader(io.BytesIO(files[(edition, "pdf")]))
            texts.append([page.extract_text() for page in reader.pages])
            with pikepdf.open(io.BytesIO(files[(edition, "pdf")])) as pdf:
                assert set(pdf.docinfo.keys()) == {"/Title"}
        # Same pages, apart from the version number printed on the cover.
        assert len(texts[0]) == len(texts[1]) and texts[0][1:] == texts[1][1:]


def test_versions_are_numbered_and_immutable(app, scenario, db):
    with app.test_request_context("/"):
        first = _build(scenario)
        second = _build(scenario)
    numbers = db.session.scalars(select(Compilation.number).order_by(Compilation.number)).all()
    assert numbers == [1, 2]
    assert first[("public", "json")] != second[("public", "json")]  # version is written in
    versions = db.session.scalars(select(Compilation)).all()
    for version in versions:
        for stored in version.files:
            import hashlib

            assert hashlib.sha256(file_path(stored).read_bytes()).hexdigest() == stored.sha256


def test_a_failed_typesetting_process_leaves_no_version_and_says_why(
    app, scenario, db, monkeypatch, tmp_path
):
    from app.compilations import services, typeset

    broken = tmp_path / "broken.typ"
    broken.write_text('#let data = json("data.json")\n#data.no_such_field\n')
    monkeypatch.setattr(typeset, "TEMPLATE", broken)
    monkeypatch.setattr(services, "SEPARATE_PROCESS_PARAGRAPHS", 0)
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="restricted edition"):
        _build(scenario)
    db.session.rollback()
    assert db.session.scalars(select(Compilation)).all() == []
