"""Recognise a file by its content and remove the metadata that could identify a person.

Removing metadata is not redaction: what the document itself says stays as it is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "odt": "odt", "png": "png", "jpeg": "jpg"}


class UnsupportedFile(Exception):
    """Not one of the allowed types, or damaged."""


@dataclass
class CleanFile:
    kind: str
    data: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def detect_kind(data: bytes) -> str:
    """The file's type from its bytes, whatever its name says."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    return "docx"
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == MEDIA_TYPES["odt"]:
                        return "odt"
        except zipfile.BadZipFile:
            pass
    raise UnsupportedFile


def clean(data: bytes) -> CleanFile:
    kind = detect_kind(data)
    cleaner = {
        "pdf": _clean_pdf,
        "png": _clean_image,
        "jpeg": _clean_image,
        "docx": _clean_docx,
        "odt": _clean_odt,
    }[kind]
    try:
        return CleanFile(kind, cleaner(data, kind))
    except UnsupportedFile:
        raise
    except Exception as error:  # a damaged file of an allowed type
        raise UnsupportedFile from error


def _clean_image(data: bytes, kind: str) -> bytes:
    """Re-encode the pixels only: EXIF (with GPS), XMP, comments and text chunks are gone."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)  # keep the orientation people saw
        if upright.mode not in ("RGB", "RGBA", "L", "LA"):
            upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
        fresh = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        out = io.BytesIO()
        if kind == "jpeg":
            fresh.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        else:
            fresh.save(out, "PNG", optimize=True)
        return out.getvalue()


def _clean_pdf(data: bytes, kind: str) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        if "/Metadata" in pdf.Root:
            del pdf.Root["/Metadata"]
        for page in pdf.pages:
            if "/Metadata" in page.obj:
                del page.obj["/Metadata"]
        # Scripts and embedded files can carry identifying data and run code.
        for key in ("/OpenAction", "/AA", "/Names"):
            if key in pdf.Root:
                del pdf.Root[key]
        out = io.BytesIO()
        pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        return out.getvalue()


def _clean_docx(data: bytes, kind: str) -> bytes:
    """Empty the core, app and custom properties, and the names on comments and changes."""
    from docx import Document

    Document(io.BytesIO(data))  # refuses a damaged package
    return _rewrite_zip(
        data,
        drop=set(),  # dropping a part would leave dangling references: empty it instead
        replace={
            "docProps/core.xml": _EMPTY_CORE_XML,
            "docProps/app.xml": _EMPTY_APP_XML,
            "docProps/custom.xml": _EMPTY_CUSTOM_XML,
        },
        rewrite=_anonymise_word_part,
    )


_AUTHOR_ATTRIBUTES = re.compile(rb'(w1?5?:(?:author|initials|userId))="[^"]*"')


def _anonymise_word_part(name: str, content: bytes) -> bytes:
    if name.startswith("word/") and name.endswith(".xml"):
        return _AUTHOR_ATTRIBUTES.sub(rb'\1=""', content)
    return content


_EMPTY_CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
_EMPTY_CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
_EMPTY_ODT_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)


def _clean_odt(data: bytes, kind: str) -> bytes:
    return _rewrite_zip(data, drop=set(), replace={"meta.xml": _EMPTY_ODT_META})


def _rewrite_zip(data: bytes, drop: set[str], replace: dict[str, bytes], rewrite=None) -> bytes:
    """Copy a zip package entry by entry, dropping, replacing or rewriting some parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = replace.get(info.filename, source.read(info.filename))
            if rewrite is not None:
                content = rewrite(info.filename, content)
            # ODF wants "mimetype" first and stored uncompressed; keep each entry's method.
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = info.compress_type
            target.writestr(entry, content)
    return out.getvalue()
