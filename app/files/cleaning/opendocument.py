"""OpenDocument text (ODT).

Emptied: meta.xml (author, dates, editing time, statistics), also in embedded objects.
Left out, with their manifest entries: the thumbnail, the preview images of embedded
objects, macros (Basic, Scripts, Dialogs) and signatures (which carry the signer's
certificate). In content.xml and styles.xml: the author, initials and date of every comment
(office:annotation) and tracked change (office:change-info), revision-session ids, and the
event listeners that start macros. In settings.xml: the printer's name and setup and the
database last used. Pictures are cleaned; a part that cannot be makes the file refused.
"""

from __future__ import annotations

import posixpath
import re

from lxml import etree

from app.files.cleaning.archives import PackageWriter, open_archive, read_entry
from app.files.cleaning.limits import Budget, CannotClean, UnsupportedFile
from app.files.cleaning.parts import clean_binary_part, clean_inline_pictures
from app.files.cleaning.signatures import ODT_MEDIA_TYPE
from app.files.cleaning.xml import (
    local_name,
    looks_like_xml,
    parse_xml,
    remove,
    remove_elements,
    write_xml,
)

MANIFEST = "META-INF/manifest.xml"
NAMESPACES = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
EMPTY_META_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
_DROPPED = re.compile(
    r"^(Thumbnails/|ObjectReplacements/|Basic/|Scripts/|Dialogs/|layout-cache$"
    r"|META-INF/(document|macro)signatures\.xml$)"
)
_FONT = re.compile(r"^Fonts/[^/]+$")
# Elements by local name, whatever their namespace or prefix, or by qualified name.
_AUTHORS = {"creator", "creator-initials"}
_REMOVED = {
    f"{{{NAMESPACES['dc']}}}date",
    f"{{{NAMESPACES['office']}}}event-listeners",  # macros started by events
}
_SETTINGS = ("PrinterName", "PrinterSetup", "CurrentDatabaseDataSource", "CurrentDatabaseCommand")
_SETTINGS_PATH = "//config:config-item[{}]".format(
    " or ".join(f"@config:name='{name}'" for name in _SETTINGS)
)


def clean_odt(data: bytes, budget: Budget) -> bytes:
    archive = open_archive(data, budget)
    entries = {entry.filename: entry for entry in archive.infolist()}
    if MANIFEST not in entries or "content.xml" not in entries or "mimetype" not in entries:
        raise CannotClean("an incomplete OpenDocument package")
    if read_entry(archive, entries["mimetype"]) != ODT_MEDIA_TYPE.encode("ascii"):
        raise UnsupportedFile("not an OpenDocument text")
    writer = PackageWriter()
    writer.add("mimetype", ODT_MEDIA_TYPE.encode("ascii"), stored=True)  # first, uncompressed
    for name, entry in entries.items():
        if name == "mimetype" or _DROPPED.match(name):
            continue
        writer.add(name, _clean_part(name, read_entry(archive, entry), budget))
    return writer.finish()


def _clean_part(name: str, content: bytes, budget: Budget) -> bytes:
    if name.endswith("/") or not content:
        return content
    if posixpath.basename(name) == "meta.xml":
        return EMPTY_META_XML
    if _FONT.match(name):
        return content  # embedded fonts: names of typefaces, nothing about people
    if not looks_like_xml(content):
        return clean_binary_part(name, content, budget)
    root = parse_xml(content, budget)
    if name == MANIFEST:
        _clean_manifest(root)
    else:
        _anonymise(root, budget)
    return write_xml(root)


def _clean_manifest(root: etree._Element) -> None:
    if root.xpath("//manifest:encryption-data", namespaces=NAMESPACES):
        raise CannotClean("a document protected with a password")
    path = f"{{{NAMESPACES['manifest']}}}full-path"
    for entry in root.xpath("//manifest:file-entry", namespaces=NAMESPACES):
        if _DROPPED.match(entry.get(path, "")):
            entry.getparent().remove(entry)


def _anonymise(root: etree._Element, budget: Budget) -> None:
    removed = []
    for element in root.iter(etree.Element):  # faster than an XPath on local-name()
        if element.tag in _REMOVED or local_name(str(element.tag)) in _AUTHORS:
            removed.append(element)
        for name in list(element.attrib):
            if "rsid" in local_name(name):  # revision-session ids
                del element.attrib[name]
    remove(removed)
    remove_elements(root, _SETTINGS_PATH, NAMESPACES)
    clean_inline_pictures(root, "//office:binary-data", NAMESPACES, budget)
