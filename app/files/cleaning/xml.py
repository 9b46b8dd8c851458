"""The XML parts of documents, parsed safely and written back.

The parser resolves no entity, loads no DTD, reads nothing from the network and keeps
lxml's limits on depth and text size (huge_tree off). Office Open XML and OpenDocument never
use a DTD, so a part that declares one is refused rather than half understood. Comments
and processing instructions are dropped while parsing: they are never content. An SVG
drawing is refused: it can hold scripts, links and its maker's metadata anywhere.
"""

from __future__ import annotations

from lxml import etree

from app.files.cleaning.limits import Budget, CannotClean


def looks_like_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


SVG = "{http://www.w3.org/2000/svg}svg"


def parse_xml(content: bytes, budget: Budget) -> etree._Element:
    """A part of a document, refused if it is an SVG drawing (scripts, metadata, links)."""
    budget.spend_xml(len(content))
    parser = etree.XMLParser(  # one per call: lxml parsers must not be shared by threads
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise CannotClean(f"damaged XML: {error}") from None
    document = root.getroottree().docinfo
    if document.doctype or document.internalDTD is not None:
        raise CannotClean("XML with a DTD")
    if root.tag == SVG:
        raise CannotClean("an SVG drawing")
    return root


def write_xml(root: etree._Element) -> bytes:
    standalone = root.getroottree().docinfo.standalone
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=standalone)


def local_name(name: str) -> str:
    """The name without its namespace: "{uri}author" and "author" give "author"."""
    return name[name.rfind("}") + 1 :]


def remove_elements(root: etree._Element, path: str, namespaces: dict[str, str]) -> None:
    remove(root.xpath(path, namespaces=namespaces))


def remove(elements: list[etree._Element]) -> None:
    """Elements with what they contain; the text after each stays."""
    for element in elements:
        parent = element.getparent()
        if parent is None:
            raise CannotClean("the whole part would be removed")
        if element.tail:
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
