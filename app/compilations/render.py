"""JSON, CSV and DOCX renderings of a compilation's data (PDF: see typeset.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime

from docx import Document
from docx.shared import Pt
from lxml import etree

from app.compilations.references import paragraph_range
from app.files.cleaning.archives import replace_entries
from app.files.cleaning.office import EMPTY_APP_XML
from app.text import spreadsheet_safe, word_count


def render_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


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
            "reference",
            "paragraphs",
            "words",
            "endorsed_by",
            "document_symbol",
            "translation",
            "original_text",
        ]
    )
    symbol = data["consultation"].get("symbol", "")
    for entry in data["submissions"]:
        endorsed_by = "; ".join(entry["endorsements"])
        for section in entry["sections"]:
            last = section["first"] + len(section["paragraphs"]) - 1
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
                entry["reference"],
                paragraph_range(section["first"], last),
                str(word_count("\n".join(section["paragraphs"]))),
                endorsed_by,
                symbol,
                # A translated text: its mark, and the original it translates.
                section.get("translation", {}).get("mark", ""),
                "\n\n".join(section.get("original", {}).get("paragraphs", [])),
            ]
            writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    # A byte-order mark lets spreadsheet programs read UTF-8 (Arabic, Nepali...) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_docx(data: dict, created: datetime) -> bytes:
    """The same document as the PDF: cover with every date, contents (a Word TOC field),
    the symbol, title and edition in the header of every page, page numbers, method,
    figures and coverage, the table of submissions, the index by objective, the texts
    with their references and credit lines, and the annex."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10)
    styles = _Styles(document)
    labels, consultation = data["labels"], data["consultation"]
    _header_and_footer(document, data)
    body, anchor = document.element.body, document.add_paragraph()._p

    def add(element) -> None:
        anchor.addprevious(element)

    for element in _cover(data, styles):
        add(element)
    add(_paragraph(labels["contents"], styles.id("TOC Heading"), page_break_before=True))
    for element in _contents(data):
        add(element)
    add(_heading(styles, labels["method"], 1))
    for text in data["method"]:
        add(_paragraph(text))
    for element in _figures(data, styles):
        add(element)
    for element in _submission_table(data, styles):
        add(element)
    for element in _objective_index(data, styles):
        add(element)
    for group in data["groups"]:
        add(_heading(styles, group["title"], 1))
        for item in group["items"]:
            for element in _item(item, labels, styles):
                add(element)
    for element in _annex(data, styles):
        add(element)
    body.remove(anchor)
    _update_fields_on_open(document)
    return _neutral(document, consultation["title"], created)


class _Styles:
    """Style ids by name, looked up once (python-docx's lookup is slow)."""

    def __init__(self, document):
        self.document, self.found = document, {}

    def id(self, name: str) -> str:
        if name not in self.found:
            self.found[name] = self.document.styles[name].style_id
        return self.found[name]


# The body of a compilation has tens of thousands of paragraphs: they are made as plain
# lxml elements, which is some twenty times faster than python-docx's paragraph objects.
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _paragraph(
    text: str = "",
    style: str | None = None,
    rtl: bool = False,
    *,
    page_break_before: bool = False,
    align: str | None = None,
    runs: list | None = None,
):
    p = etree.Element(f"{W}p")
    if style or rtl or page_break_before or align:
        properties = etree.SubElement(p, f"{W}pPr")
        if style:
            etree.SubElement(properties, f"{W}pStyle").set(f"{W}val", style)
        if page_break_before:
            etree.SubElement(properties, f"{W}pageBreakBefore")
        if rtl:  # right-to-left paragraph and run, as Word expects for Arabic
            etree.SubElement(properties, f"{W}bidi")
        if align:
            etree.SubElement(properties, f"{W}jc").set(f"{W}val", align)
    for run in runs if runs is not None else [_run(text, rtl=rtl)]:
        p.append(run)
    return p


def _run(text: str, *, rtl: bool = False, bold: bool = False, size: int | None = None, grey=False):
    """A run of literal text; size in half-points (16 = 8 pt)."""
    run = etree.Element(f"{W}r")
    if rtl or bold or size or grey:
        properties = etree.SubElement(run, f"{W}rPr")
        if bold:
            etree.SubElement(properties, f"{W}b")
        if grey:
            etree.SubElement(properties, f"{W}color").set(f"{W}val", "666666")
        if size:
            etree.SubElement(properties, f"{W}sz").set(f"{W}val", str(size))
        if rtl:
            etree.SubElement(properties, f"{W}rtl")
    text_element = etree.SubElement(run, f"{W}t")
    text_element.text = _xml_safe(text)
    text_element.set(XML_SPACE, "preserve")
    return run


def _field_runs(instruction: str, shown: str) -> list:
    """A complex field (PAGE, TOC...): begin, instruction, separate, last result, end."""
    runs = []
    for kind in ("begin", None, "separate"):
        run = etree.Element(f"{W}r")
        if kind:
            etree.SubElement(run, f"{W}fldChar").set(f"{W}fldCharType", kind)
        else:
            instr = etree.SubElement(run, f"{W}instrText")
            instr.text = f" {instruction} "
            instr.set(XML_SPACE, "preserve")
        runs.append(run)
    runs.append(_run(shown))
    end = etree.Element(f"{W}r")
    etree.SubElement(end, f"{W}fldChar").set(f"{W}fldCharType", "end")
    runs.append(end)
    return runs


def _heading(styles: _Styles, text: str, level: int):
    return _paragraph(text, styles.id(f"Heading {level}"))


def _header_and_footer(document, data: dict) -> None:
    """Every page: symbol, title and edition at the top; the page number at the bottom."""
    labels, consultation = data["labels"], data["consultation"]
    section = document.sections[0]
    header = section.header.paragraphs[0]
    parts = [consultation.get("symbol", ""), consultation["title"], labels["edition"]]
    for index, part in enumerate(parts):  # left, centre and right tab stops of the style
        if index:
            tab = etree.SubElement(header._p, f"{W}r")
            etree.SubElement(tab, f"{W}tab")
        header._p.append(_run(part, size=16))
    footer = section.footer.paragraphs[0]
    footer.alignment = 1  # centred
    for run in [_run(f"{labels['page']} ", size=16), *_field_runs("PAGE", "1")]:
        footer._p.append(run)


def _cover(data: dict, styles: _Styles) -> list:
    labels, consultation = data["labels"], data["consultation"]
    lines = [
        _paragraph(labels["compiled_input"], align="center"),
        _paragraph(consultation["title"], styles.id("Title"), align="center"),
        _paragraph(consultation["review"], align="center"),
        _paragraph(consultation["convening_body"], align="center"),
        _paragraph(align="center", runs=[_run(labels["edition"], bold=True)]),
    ]
    if consultation.get("symbol"):
        lines.append(_paragraph(consultation["symbol"], align="center"))
    rows = [
        (labels["opens"], consultation["opens"]),
        (labels["deadline"], consultation["deadline"]),
        (labels["review_meeting"], consultation["review_meeting"] or labels["none"]),
    ]
    if consultation.get("symbol"):
        rows.append((labels["symbol"], consultation["symbol"]))
    rows += [
        (labels["version"], str(data["version"])),
        (labels["compiled_at"], data["compiled_on"]),
    ]
    lines.append(_paragraph())
    lines.append(_table(rows, [2600, 6400], header=None))
    return lines


def _contents(data: dict) -> list:
    """A TOC field over the level-1 headings; until Word updates it (it is asked to on
    opening), it shows the headings themselves."""
    labels = data["labels"]
    titles = [labels["method"], labels["figures"], labels["submission_table"]]
    titles += [labels["objective_index"], *(g["title"] for g in data["groups"]), labels["annex"]]
    runs = _field_runs('TOC \\o "1-1" \\h \\z \\u', titles[0])
    end = runs.pop()
    first = _paragraph(runs=runs)
    rest = [_paragraph(title) for title in titles[1:]]
    return [first, *rest, _paragraph(runs=[end])]


def _figures(data: dict, styles: _Styles) -> list:
    labels, figures = data["labels"], data["figures"]
    none = labels["none"]
    rows = [
        (labels["submissions"], str(figures["submissions"])),
        (labels["organizations"], str(figures["organizations"])),
        (labels["languages"], ", ".join(figures["languages"])),
        (labels["countries"], ", ".join(figures["countries"]) or none),
        (labels["anonymous_areas"], ", ".join(figures["anonymous_areas"]) or none),
    ]
    coverage = [
        (
            row["title"] + (f" ({labels['in_scope']})" if row["in_scope"] else ""),
            str(row["sections"]),
        )
        for row in figures["coverage"]
    ]
    return [
        _heading(styles, labels["figures"], 1),
        _table(rows, [3600, 5400], header=None),
        _paragraph(runs=[_run(labels["coverage"], bold=True)]),
        _table(coverage, [7400, 1600], header=(labels["objective"], labels["sections"])),
        _paragraph(labels["note"]),
    ]


def _submission_table(data: dict, styles: _Styles) -> list:
    labels = data["labels"]
    rows = [
        (
            s["ref"],
            s["credit"],
            s["language_name"],
            ", ".join(str(n) for n in s["objectives"]),
            s["paragraph_range"],
            str(s["words"]),
        )
        for s in data["submissions"]
    ]
    header = tuple(
        labels[k] for k in ("reference", "credit", "language", "objectives", "paragraphs", "words")
    )
    return [
        _heading(styles, labels["submission_table"], 1),
        _table(rows, [1000, 3800, 1200, 1200, 1000, 800], header=header),
    ]


def _objective_index(data: dict, styles: _Styles) -> list:
    labels = data["labels"]
    elements = [_heading(styles, labels["objective_index"], 1)]
    for row in data["objective_index"]:
        title = row["title"] + (f" ({labels['in_scope']})" if row["in_scope"] else "")
        elements.append(_paragraph(title, styles.id("Heading 3")))
        counts = f"{labels['index_counts']}: {row['submissions']}, {row['paragraphs']}"
        elements.append(_paragraph(runs=[_run(counts, grey=True, size=18)]))
        elements.append(_paragraph("; ".join(row["references"]) or labels["none"]))
    return elements


def _item(item: dict, labels: dict, styles: _Styles) -> list:
    rtl = item["direction"] == "rtl"
    elements = [_heading(styles, f"{item['ref']} · {item['credit']}", 2)]
    if item["endorsements"]:
        signed = f"{labels['signed_on_by']}: {'; '.join(item['endorsements'])}"
        elements.append(_paragraph(runs=[_run(signed, size=18)]))
    translation = item.get("translation")
    if translation:  # see app/submission_translations/compiling.py
        elements.append(_paragraph(translation["mark"], styles.id("Subtitle")))
    elements.append(_paragraph(runs=[_run(item["context"], grey=True, size=17)]))
    for paragraph in item["paragraphs"]:
        runs = [
            _run(f"¶{paragraph['number']} ", bold=True),
            _run(paragraph["text"], rtl=rtl),
            _run(f"  [{paragraph['n']}]", grey=True, size=14),
        ]
        elements.append(_paragraph(rtl=rtl, runs=runs))
        if translation:
            elements.append(_original(paragraph, translation, styles))
    return elements


def _table(rows, widths: list[int], header=None):
    """A bordered table of literal text (widths in twentieths of a point)."""
    table = etree.Element(f"{W}tbl")
    properties = etree.SubElement(table, f"{W}tblPr")
    etree.SubElement(properties, f"{W}tblStyle").set(f"{W}val", "TableGrid")
    width = etree.SubElement(properties, f"{W}tblW")
    width.set(f"{W}w", "0")
    width.set(f"{W}type", "auto")
    grid = etree.SubElement(table, f"{W}tblGrid")
    for w in widths:
        etree.SubElement(grid, f"{W}gridCol").set(f"{W}w", str(w))
    if header:
        row = _table_row(table, header, widths, bold=True)
        etree.SubElement(row.find(f"{W}trPr"), f"{W}tblHeader")  # repeated on each page
    for cells in rows:
        _table_row(table, cells, widths)
    return table


def _table_row(table, cells, widths, bold: bool = False):
    row = etree.SubElement(table, f"{W}tr")
    etree.SubElement(row, f"{W}trPr")
    for text, w in zip(cells, widths, strict=True):
        cell = etree.SubElement(row, f"{W}tc")
        cell_width = etree.SubElement(etree.SubElement(cell, f"{W}tcPr"), f"{W}tcW")
        cell_width.set(f"{W}w", str(w))
        cell_width.set(f"{W}type", "dxa")
        cell.append(_paragraph(runs=[_run(text, bold=bold)]))
    return row


def _original(paragraph: dict, translation: dict, styles: _Styles):
    """The original text after its translation, in its own direction."""
    text = f"{translation['original_label']}: {paragraph['original']}"
    return _paragraph(text, styles.id("Quote"), rtl=translation["original_direction"] == "rtl")


# (A pattern, not str.translate with a table: that took 0.6 s for the texts of 500
# submissions, this 0.04 s.)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(text: str) -> str:
    """XML cannot hold most control characters; they are dropped, the rest stays as typed."""
    return _CONTROL.sub("", text)


def _annex(data: dict, styles: _Styles) -> list:
    labels, annex = data["labels"], data["annex"]
    elements = [_heading(styles, labels["annex"], 1)]
    for key in ("contributors", "endorsers"):
        elements.append(_heading(styles, labels[key], 2))
        for name in annex[key] or [labels["none"]]:
            elements.append(_paragraph(name, styles.id("List Bullet")))
    return elements


def _update_fields_on_open(document) -> None:
    """Word fills in the contents and page numbers when the file is opened."""
    settings = document.settings.element
    update = etree.Element(f"{W}updateFields")
    update.set(f"{W}val", "true")
    # In the place the schema gives it (Word is strict about the order of settings).
    later = {f"{W}{name}" for name in _AFTER_UPDATE_FIELDS}
    following = next((child for child in settings if child.tag in later), None)
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)


_AFTER_UPDATE_FIELDS = [
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
]


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
