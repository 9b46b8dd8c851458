"""JSON, CSV and DOCX renderings of a compilation's data (PDF: see typeset.py)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

from docx import Document
from docx.shared import Pt
from lxml import etree

from app.files.cleaning.archives import replace_entries
from app.files.cleaning.office import EMPTY_APP_XML

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def spreadsheet_safe(value: str) -> str:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(data: dict) -> bytes:
    """One row per section of each submission, for analysis in spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(
        [
            "edition",
            "submission",
            "credit",
            "attribution",
            "language",
            "section",
            "question",
            "objectives",
            "contribution_types",
            "text",
            "endorsements",
            "translation",
            "original_text",
        ]
    )
    for entry in data["submissions"]:
        for section in entry["sections"]:
            row = [
                data["edition"],
                entry["ref"],
                entry["credit"],
                entry["attribution"],
                entry["language"],
                section["key"],
                section["question"],
                ";".join(str(n) for n in section["objectives"]),
                ";".join(section["contribution_types"]),
                "\n\n".join(section["paragraphs"]),
                str(len(entry["endorsements"])),
                # A translated text: its mark, and the original it translates.
                section.get("translation", {}).get("mark", ""),
                "\n\n".join(section.get("original", {}).get("paragraphs", [])),
            ]
            writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    # A byte-order mark lets spreadsheet programs read UTF-8 (Arabic, Nepali...) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_docx(data: dict, created: datetime) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    labels, consultation = data["labels"], data["consultation"]
    document.add_heading(consultation["title"], level=0)
    for line in (
        labels["compiled_input"],
        consultation["review"],
        consultation["convening_body"],
        labels["edition"],
        f"{labels['deadline']}: {consultation['deadline']}",
        f"{labels['version']}: {data['version']}",
    ):
        document.add_paragraph(line)
    _contributors(document, data)
    _figures(document, data)
    body, anchor = document.element.body, document.add_paragraph()._p
    for group in data["groups"]:
        anchor.addprevious(_heading(document, group["title"], 1))
        for item in group["items"]:
            anchor.addprevious(_heading(document, f"{item['ref']} · {item['credit']}", 2))
            translation = item.get("translation")
            if translation:  # see app/submission_translations/compiling.py
                anchor.addprevious(_paragraph(translation["mark"], "Subtitle"))
            for paragraph in item["paragraphs"]:
                anchor.addprevious(_numbered(paragraph, item["direction"] == "rtl"))
                if translation:
                    anchor.addprevious(_original(paragraph, translation))
    body.remove(anchor)
    _annex(document, data)
    return _neutral(document, consultation["title"], created)


def _contributors(document, data: dict) -> None:
    """The contributing organizations named at the top, where attribution allows."""
    names = data["annex"]["contributors"]
    if names:
        document.add_paragraph(f"{data['labels']['contributors']}: {', '.join(names)}")


def _figures(document, data: dict) -> None:
    labels, figures = data["labels"], data["figures"]
    document.add_heading(labels["figures"], level=1)
    for key in ("submissions", "organizations"):
        document.add_paragraph(f"{labels[key]}: {figures[key]}")
    document.add_paragraph(f"{labels['languages']}: {', '.join(figures['languages'])}")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = (
        labels["objective"],
        labels["sections"],
    )
    for row in figures["coverage"]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = row["title"], str(row["sections"])


# The body of a compilation has tens of thousands of paragraphs: they are made as plain
# lxml elements, which is some twenty times faster than python-docx's paragraph objects.
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph(text: str, style: str | None = None, rtl: bool = False):
    p = etree.Element(f"{W}p")
    if style or rtl:
        properties = etree.SubElement(p, f"{W}pPr")
        if style:
            etree.SubElement(properties, f"{W}pStyle").set(f"{W}val", style)
        if rtl:  # right-to-left paragraph and run, as Word expects for Arabic
            etree.SubElement(properties, f"{W}bidi")
    run = etree.SubElement(p, f"{W}r")
    if rtl:
        etree.SubElement(etree.SubElement(run, f"{W}rPr"), f"{W}rtl")
    text_element = etree.SubElement(run, f"{W}t")
    text_element.text = _xml_safe(text)
    text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def _heading(document, text: str, level: int):
    return _paragraph(text, document.styles[f"Heading {level}"].style_id)


def _numbered(paragraph: dict, rtl: bool):
    return _paragraph(f"{paragraph['n']}. {paragraph['text']}", rtl=rtl)


def _original(paragraph: dict, translation: dict):
    """The original text after its translation, in its own direction."""
    text = f"{translation['original_label']}: {paragraph['original']}"
    return _paragraph(text, "Quote", rtl=translation["original_direction"] == "rtl")


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _xml_safe(text: str) -> str:
    """XML cannot hold most control characters; they are dropped, the rest stays as typed."""
    return text.translate(_CONTROL)


def _annex(document, data: dict) -> None:
    labels, annex = data["labels"], data["annex"]
    document.add_heading(labels["annex"], level=1)
    for key in ("contributors", "endorsers"):
        document.add_heading(labels[key], level=2)
        for name in annex[key] or [labels["none"]]:
            document.add_paragraph(name, style="List Bullet")


def _neutral(document, title: str, created: datetime) -> bytes:
    """Neutral document properties: a title and a date; no author, no software."""
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "", ""
    props.comments = props.keywords = props.subject = props.category = ""
    props.created = props.modified = created.replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return replace_entries(out.getvalue(), {"docProps/app.xml": EMPTY_APP_XML})


def docx_text(data: bytes) -> str:
    """All text of a DOCX (for checks): the body XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")
