"""The Atom feed of new publications (/api/v1/feed.atom), built with the standard library."""

from __future__ import annotations

from xml.etree import ElementTree

from app.api import data
from app.compilations.models import Compilation

ATOM = "http://www.w3.org/2005/Atom"


def feed_document(found: list[Compilation]) -> bytes:
    """The feed's XML, one entry per published version, newest first as `found` is."""
    root = ElementTree.Element("feed", xmlns=ATOM)
    _text(root, "title", "GCM consultations: published inputs")
    _text(root, "id", data.absolute("api.feed"))
    ElementTree.SubElement(root, "link", rel="self", href=data.absolute("api.feed"))
    ElementTree.SubElement(root, "link", href=data.absolute("reading.index"))
    latest = data.published_at(found[0]) if found else "1970-01-01T00:00:00+00:00"
    _text(root, "updated", latest)
    author = ElementTree.SubElement(root, "author")
    _text(author, "name", "GCM consultations")
    for item in found:
        root.append(_entry(item))
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _entry(item: Compilation) -> ElementTree.Element:
    consultation = item.consultation
    entry = ElementTree.Element("entry")
    title = data.original_title(consultation)
    _text(entry, "title", f"{title}: compiled input, version {item.number}")
    _text(entry, "id", data.absolute("api.compilation", compilation_id=item.id))
    _text(entry, "updated", data.published_at(item))
    _text(entry, "published", data.published_at(item))
    author = ElementTree.SubElement(entry, "author")
    _text(author, "name", consultation.review.convening_body)
    href = data.absolute("reading.consultation", slug=consultation.slug)
    ElementTree.SubElement(entry, "link", rel="alternate", type="text/html", href=href)
    json_href = data.absolute("api.compilation", compilation_id=item.id)
    ElementTree.SubElement(entry, "link", rel="related", type="application/json", href=json_href)
    for found in item.files:
        if found.edition == "public":
            url = data.absolute("compilations.download", compilation_id=item.id, file_id=found.id)
            ElementTree.SubElement(entry, "link", rel="enclosure", href=url, length=str(found.size))
    _text(entry, "summary", f"Public edition of the compiled input to {title}.")
    return entry


def _text(parent: ElementTree.Element, tag: str, value: str) -> None:
    ElementTree.SubElement(parent, tag).text = value
