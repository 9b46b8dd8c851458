"""Office Open XML: a DOCX, and the workbook or document inside one (behind a chart).

Emptied: the core, app and custom properties. Left out, with the relationships and
content-type overrides that point to them so that Word still opens the file: custom XML
(customXml/*), the thumbnail, the people who commented (word/people.xml), printer
settings (which name the printer), and the link to the template (a path with the user's
name). In every XML part, in whatever namespace prefix, quoting or spacing: names of
comment and change authors are emptied (Word requires the attribute), their initials,
user and provider ids and dates are removed, and so are revision-session ids and document
variables. A workbook inside (behind a chart) is cleaned the same way, and loses the names
of its comment authors too. Pictures are cleaned; parts that cannot be (drawings in EMF,
WMF or SVG, embedded programs and objects) make the file refused: Word saves it as a PDF.
"""

from __future__ import annotations

import io
import posixpath
import re
from urllib.parse import unquote

from lxml import etree

from app.files.cleaning.archives import PackageWriter, open_archive, read_entry
from app.files.cleaning.limits import MAX_NESTING, Budget, CannotClean, UnsupportedFile
from app.files.cleaning.parts import clean_binary_part, clean_inline_pictures
from app.files.cleaning.xml import (
    local_name,
    looks_like_xml,
    parse_xml,
    remove_elements,
    write_xml,
)

CONTENT_TYPES = "[Content_Types].xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
THREADED = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"

EMPTY_CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
EMPTY_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
EMPTY_CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_REPLACED = {
    "docprops/core.xml": EMPTY_CORE_XML,
    "docprops/app.xml": EMPTY_APP_XML,
    "docprops/custom.xml": EMPTY_CUSTOM_XML,
}
# Part names are compared in lower case: OPC names ignore case.
_DROPPED = re.compile(
    r"^(customxml/|docprops/thumbnail\.|word/people\.xml$|word/_rels/people\.xml\.rels$"
    r"|[^/]+/printersettings/|[^/]+/_rels/printersettings)"
)
_DROPPED_RELATIONSHIPS = (
    "/attachedtemplate",
    "/customxml",
    "/people",
    "/thumbnail",
    "/printersettings",
)
_FONT = re.compile(r"^[^/]+/fonts/[^/]+\.odttf$")
_NESTED_MAIN_PARTS = ("word/document.xml", "xl/workbook.xml")

_NAMESPACES = {"w": W, "r": R, "x": X, "tc": THREADED}
# Attributes matched by their local name, whatever their namespace, prefix, quoting or
# spacing: authors are emptied (Word requires a change's author), the others removed.
_EMPTIED = {"author"}
_REMOVED = {"initials", "userId", "providerId", "date", "dateUtc"}
# A workbook's people of threaded comments, and its printer settings.
_WORKBOOK_ATTRIBUTES = "//tc:person/@displayName | //x:pageSetup/@r:id"
_ELEMENTS = "//w:attachedTemplate | //w:printerSettings | //w:docVars | //w:rsids"


def clean_docx(data: bytes, budget: Budget) -> bytes:
    cleaned = clean_package(data, budget, depth=0)
    _check_word_document(cleaned)
    return cleaned


def _check_word_document(data: bytes) -> None:
    """python-docx opens what we wrote (only now: it reads every part whole)."""
    from docx import Document

    try:
        Document(io.BytesIO(data))
    except ValueError as error:  # e.g. a macro-enabled document or a template
        raise UnsupportedFile(str(error)) from None


def clean_package(data: bytes, budget: Budget, depth: int) -> bytes:
    archive = open_archive(data, budget)
    names = {entry.filename.lower() for entry in archive.infolist()}
    if CONTENT_TYPES.lower() not in names:
        raise CannotClean("not an Office Open XML package")
    dropped = {name for name in names if _DROPPED.match(name)}
    writer = PackageWriter()
    for entry in archive.infolist():
        name = entry.filename
        if name.lower() in dropped:
            continue
        content = _clean_part(name, read_entry(archive, entry), dropped, budget, depth)
        writer.add(name, content)
    return writer.finish()


def _clean_part(name: str, content: bytes, dropped: set[str], budget: Budget, depth: int):
    lowered = name.lower()
    if lowered in _REPLACED:
        return _REPLACED[lowered]
    if name.endswith("/") or not content:
        return content
    if _FONT.match(lowered):
        return content  # embedded fonts: names of typefaces, nothing about people
    if not looks_like_xml(content):
        return clean_binary_part(name, content, budget, lambda inner: _nested(inner, budget, depth))
    root = parse_xml(content, budget)
    if lowered == CONTENT_TYPES.lower():
        _drop_overrides(root, dropped)
    elif lowered.endswith(".rels"):
        _drop_relationships(name, root, dropped)
    else:
        _anonymise(root, budget)
    return write_xml(root)


def _nested(content: bytes, budget: Budget, depth: int) -> bytes:
    if depth >= MAX_NESTING:
        raise CannotClean("documents nested too deep")
    archive = open_archive(content, Budget())  # only to look inside; the real budget below
    names = {entry.filename.lower() for entry in archive.infolist()}
    if not names.intersection(_NESTED_MAIN_PARTS):
        raise CannotClean("an embedded package that is not a document or a workbook")
    return clean_package(content, budget, depth + 1)


def _anonymise(root: etree._Element, budget: Budget) -> None:
    for element in root.iter(etree.Element):  # faster than an XPath on local-name()
        for name in list(element.attrib):
            local = local_name(name)
            if local in _EMPTIED:
                element.set(name, "")
            elif local in _REMOVED or local.startswith("rsid"):
                del element.attrib[name]
    for attribute in root.xpath(_WORKBOOK_ATTRIBUTES, namespaces=_NAMESPACES):
        del attribute.getparent().attrib[attribute.attrname]
    remove_elements(root, _ELEMENTS, _NAMESPACES)
    for author in root.xpath("//x:authors/x:author", namespaces=_NAMESPACES):
        author.text = ""  # a workbook's comment authors
    clean_inline_pictures(root, "//w:binData", _NAMESPACES, budget)


def _drop_relationships(name: str, root: etree._Element, dropped: set[str]) -> None:
    folder = posixpath.dirname(posixpath.dirname(name))  # word/_rels/x.rels -> word
    for relationship in root.xpath("*[local-name()='Relationship']"):
        kind = relationship.get("Type", "").lower()
        external = relationship.get("TargetMode", "").lower() == "external"
        target = "" if external else _part_name(folder, relationship.get("Target", ""))
        if kind.endswith(_DROPPED_RELATIONSHIPS) or target.lower() in dropped:
            root.remove(relationship)


def _part_name(folder: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("./")


def _drop_overrides(root: etree._Element, dropped: set[str]) -> None:
    for override in root.xpath("*[local-name()='Override']"):
        if override.get("PartName", "").lstrip("/").lower() in dropped:
            root.remove(override)
