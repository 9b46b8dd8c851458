"""What a document package holds besides its XML: pictures, fonts, other documents."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from lxml import etree

from app.files.cleaning.images import clean_embedded_image
from app.files.cleaning.limits import Budget, CannotClean
from app.files.cleaning.signatures import image_kind


def clean_binary_part(
    name: str,
    content: bytes,
    budget: Budget,
    nested: Callable[[bytes], bytes] | None = None,
) -> bytes:
    """A picture is cleaned, a document inside is cleaned by `nested`; anything else (a
    drawing in EMF, WMF or SVG, an embedded program or object) cannot be checked, so the
    whole file is refused rather than stored with it."""
    if not content:
        return content
    kind = image_kind(content)
    if kind is not None:
        return clean_embedded_image(content, kind, budget)
    if nested is not None and content.startswith(b"PK\x03\x04"):
        return nested(content)
    raise CannotClean(f"{name}: a part that cannot be cleaned")


def clean_inline_pictures(
    root: etree._Element, path: str, namespaces: dict[str, str], budget: Budget
) -> None:
    """Pictures written into the XML itself in base64 (ODF's binary-data, Word's binData)."""
    for element in root.xpath(path, namespaces=namespaces):
        try:
            data = base64.b64decode("".join(element.itertext()))
        except (binascii.Error, ValueError):
            raise CannotClean("damaged inline picture") from None
        kind = image_kind(data)
        if kind is None:
            raise CannotClean("inline data that is not a picture")
        cleaned = clean_embedded_image(data, kind, budget)
        for child in list(element):
            element.remove(child)
        element.text = base64.b64encode(cleaned).decode("ascii")
