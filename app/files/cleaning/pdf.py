"""PDF: rewritten by qpdf (pikepdf) without what identifies its makers or runs code.

Removed from the catalog, pages and every other object (images, fonts, forms, annotations):
XMP (/Metadata), private application data (/PieceInfo, /LastModified), thumbnails, automatic
actions (/OpenAction, /AA), scripts (/JS, the JavaScript name tree, XFA forms), embedded and
associated files, every action but going to a page, opening a web link or a viewer command
(so no /Launch, /SubmitForm, /ImportData, /GoToR), attachment and multimedia annotations,
the authors and dates of comments, signature values (with the signer's certificate) and
the document information (/Info). JPEG pictures lose their EXIF, XMP, IPTC and comments
without being decoded again, JPEG 2000 pictures their XML and UUID boxes.

pikepdf's own `sanitize` module walks the places where actions are known to live; here every
object is visited and actions are kept only when they are of an allowed kind.

Bombs: qpdf decodes a stream only to read objects packed in it (and here the Flate layer
over a JPEG); every such decoding is capped by qpdf's limits, set below for the process.
Page and picture streams are copied as they are, never decoded (stream_decode_level none),
so a stream of a gigabyte of zeros costs what its compressed bytes cost.
"""

from __future__ import annotations

import io
from typing import cast

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream, StreamDecodeLevel

from app.files.cleaning.images import strip_jpeg
from app.files.cleaning.limits import (
    MAX_PDF_DECODED_STREAM,
    MAX_PIXELS,
    Budget,
    CannotClean,
    FileBomb,
    TooManyPixels,
)

# Process-wide, set once when the app imports this module (before threads use pikepdf).
pikepdf.settings.set_qpdf_limits(
    flate_max_memory=MAX_PDF_DECODED_STREAM,
    png_max_memory=MAX_PDF_DECODED_STREAM,
    tiff_max_memory=MAX_PDF_DECODED_STREAM,
    run_length_max_memory=MAX_PDF_DECODED_STREAM,
    dct_max_memory=MAX_PDF_DECODED_STREAM,
)

_REMOVED_KEYS = (
    "/Metadata",
    "/PieceInfo",
    "/LastModified",
    "/Thumb",
    "/OpenAction",
    "/AA",
    "/JS",
    "/AF",
    "/EF",
)
_ALLOWED_ACTIONS = {"/GoTo", "/URI", "/Named"}
_REMOVED_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
_REMOVED_NAMES = ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/Renditions")
_REMOVED_FROM_CATALOG = ("/Perms", "/Collection", "/SpiderInfo")


def clean_pdf(data: bytes, budget: Budget) -> bytes:
    limits_hit = pikepdf.settings.qpdf_limit_errors()
    try:
        cleaned, warnings = _rewrite(data)
    except Exception:
        if pikepdf.settings.qpdf_limit_errors() != limits_hit:
            raise FileBomb("a PDF stream decodes to too much") from None
        raise
    # At a limit qpdf skips what it could not decode, with a warning only.
    if pikepdf.settings.qpdf_limit_errors() != limits_hit or any(
        "limit exceeded" in warning for warning in warnings
    ):
        raise FileBomb("a PDF stream decodes to too much")
    return cleaned


def _rewrite(data: bytes) -> tuple[bytes, list[str]]:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise CannotClean("a PDF protected with a password") from None
    with pdf:
        _clean_catalog(pdf)
        for obj in _dictionaries(pdf):
            _clean_object(obj)
        _remove_annotations(pdf)
        out = io.BytesIO()
        pdf.save(
            out,
            stream_decode_level=StreamDecodeLevel.none,
            fix_metadata_version=False,
            deterministic_id=True,
        )
        return out.getvalue(), pdf.get_warnings()


def _clean_catalog(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    catalog = pdf.Root
    for key in _REMOVED_FROM_CATALOG:
        if key in catalog:
            del catalog[key]
    names = catalog.get("/Names")
    if isinstance(names, Dictionary):
        for key in _REMOVED_NAMES:
            if key in names:
                del names[key]
    form = catalog.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:
        del form["/XFA"]


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary and stream: each object of the file and those written inside one."""
    for top in pdf.objects:
        stack = [top]
        while stack:
            obj = stack.pop()
            if isinstance(obj, (Dictionary, Stream)):
                yield obj  # cleaned before its children are read
                children = [value for _key, value in obj.items()]
            elif isinstance(obj, Array):
                children = list(obj)
            else:
                continue
            stack.extend(
                child
                for child in children
                if isinstance(child, (Dictionary, Array)) and not child.is_indirect
            )


def _clean_object(obj) -> None:
    for key in _REMOVED_KEYS:
        if key in obj:
            del obj[key]
    action = obj.get("/A")  # (a structure element's /A holds attributes: no /S there)
    is_action = isinstance(action, (Dictionary, Stream)) and "/S" in action
    if is_action and str(action.get("/S")) not in _ALLOWED_ACTIONS:
        del obj["/A"]
    if "/S" in obj and "/Next" in obj:  # an action: nothing may run after it
        del obj["/Next"]
    subtype = obj.get("/Subtype")
    if "/Rect" in obj and str(subtype) not in ("/Widget", "/Link"):  # a comment, a highlight
        for key in ("/T", "/M", "/CreationDate"):  # its author and dates
            if key in obj:
                del obj[key]
    if str(obj.get("/FT")) == "/Sig" and "/V" in obj:
        del obj["/V"]
    if str(obj.get("/Type")) == "/Thread" and "/I" in obj:  # an article's own Info
        del obj["/I"]
    if isinstance(obj, Stream) and str(subtype) == "/Image":
        _clean_image(obj)


def _remove_annotations(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, Array):
            continue
        kept = [
            annotation
            for annotation in annotations
            if not (
                isinstance(annotation, Dictionary)
                and str(annotation.get("/Subtype")) in _REMOVED_ANNOTATIONS
            )
        ]
        if len(kept) != len(annotations):
            page.obj["/Annots"] = Array(kept)


def _clean_image(image: Stream) -> None:
    width, height = image.get("/Width", 0), image.get("/Height", 0)
    if not isinstance(width, int) or not isinstance(height, int):
        raise CannotClean("an image without a size")
    if width * height > MAX_PIXELS:
        raise TooManyPixels(f"{width}x{height}")
    found = image.get("/Filter")
    filters = list(found) if isinstance(found, Array) else [found] if found else []
    parameters = image.get("/DecodeParms")
    if isinstance(parameters, Array):
        parameters = parameters[len(parameters) - 1] if len(parameters) else None
    # The last filter's parameters, written with that filter alone: a dictionary, or none.
    last_parameters = cast(Dictionary | None, parameters)
    if not filters or filters[-1] not in ("/DCTDecode", "/JPXDecode"):
        if "/DCTDecode" in filters or "/JPXDecode" in filters:
            raise CannotClean("a picture under another filter")
        return  # raw pixels, nothing else inside
    if len(filters) == 1:
        encoded = image.read_raw_bytes()
    else:  # e.g. Flate over JPEG: decoded within qpdf's limits
        encoded = image.read_bytes(decode_level=StreamDecodeLevel.generalized)
    if filters[-1] == "/DCTDecode":
        image.write(strip_jpeg(encoded), filter=Name.DCTDecode, decode_parms=last_parameters)
    else:
        image.write(strip_jp2(encoded), filter=Name.JPXDecode, decode_parms=last_parameters)


# JPEG 2000: a file of boxes (length, type). Kept: signature, file type, requirements,
# header and code stream; left out: XML (XMP), UUID (EXIF, GeoJP2 positions) and others.
_JP2_KEPT = {b"jP  ", b"ftyp", b"rreq", b"jp2h", b"jp2c"}


def strip_jp2(data: bytes) -> bytes:
    if data.startswith(b"\xff\x4f\xff\x51"):
        return data  # a bare code stream: no boxes
    kept, position = [], 0
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if length == 1:
            length = int.from_bytes(data[position + 8 : position + 16], "big")
        elif length == 0:
            length = len(data) - position
        if length < 8 or position + length > len(data):
            raise CannotClean("damaged JPEG 2000")
        if kind in _JP2_KEPT:
            kept.append(data[position : position + length])
        position += length
    if not kept or not kept[0].startswith(b"\x00\x00\x00\x0cjP  "):
        raise CannotClean("not a JPEG 2000 picture")
    return b"".join(kept)
