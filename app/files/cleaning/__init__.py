"""Recognise an upload by its content and remove what could identify the people behind it.

Accepted: PDF, DOCX, ODT, PNG, JPEG and WebP, judged by their bytes, never by their name.
Cleaning is recursive: pictures inside documents and PDFs are cleaned too, and so are the
names of comment and change authors, scripts and embedded files (see each module). Archive,
PDF and pixel bombs are refused before they are unpacked (`limits`). A file that cannot be
cleaned safely, or only partly, is refused with a reason the upload form can show.

Removing metadata is not redaction: what the document itself says or shows stays.

Why not mat2, the reference tool for this: it reaches PDF and pictures through GObject
introspection (PyGObject, poppler-glib, GdkPixbuf, cairo), which pip cannot install into the
project's virtual environment without compilers and -dev packages, and which Debian's
`mat2` package installs only for Debian's own Python, not ours. It also cleans a PDF by
rendering every page to a picture, which loses the text that reviewers search, copy and
read aloud. Its rules for office documents (ZipParser, MSOfficeParser, LibreOfficeParser)
were the checklist for `office` and `opendocument` here: pikepdf, Pillow, lxml and zipfile,
already dependencies, are enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.files.cleaning.archives import open_archive, read_entry
from app.files.cleaning.limits import (
    Budget,
    CannotClean,
    FileBomb,
    FileRefused,
    TooManyPixels,
    UnsupportedFile,
)
from app.files.cleaning.signatures import ODT_MEDIA_TYPE, image_kind

__all__ = [
    "EXTENSIONS",
    "MEDIA_TYPES",
    "CannotClean",
    "CleanFile",
    "FileBomb",
    "FileRefused",
    "TooManyPixels",
    "UnsupportedFile",
    "clean",
    "detect_kind",
]

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": ODT_MEDIA_TYPE,
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "odt": "odt",
    "png": "png",
    "jpeg": "jpg",
    "webp": "webp",
}


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
    kind = image_kind(data)
    if kind in ("png", "jpeg", "webp"):
        return kind
    if data.startswith(b"PK\x03\x04"):
        return _package_kind(data)
    raise UnsupportedFile("not an accepted type")


def _package_kind(data: bytes) -> str:
    archive = open_archive(data, Budget())  # the bomb checks come before any reading
    names = {entry.filename for entry in archive.infolist()}
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return "docx"
    if "mimetype" in names:
        entry = archive.getinfo("mimetype")
        if entry.file_size <= 100 and read_entry(archive, entry) == ODT_MEDIA_TYPE.encode():
            return "odt"
    raise UnsupportedFile("a zip that is not a DOCX or an ODT")


def _clean_kind(data: bytes, kind: str) -> bytes:
    # The format libraries (pikepdf, Pillow, lxml: about 25 MB) are imported on the first
    # upload, not with the app, so a web worker that only serves pages never holds them.
    from app.files.cleaning.images import reencode_image
    from app.files.cleaning.office import clean_docx
    from app.files.cleaning.opendocument import clean_odt
    from app.files.cleaning.pdf import clean_pdf

    cleaners = {"pdf": clean_pdf, "docx": clean_docx, "odt": clean_odt}
    if kind in cleaners:
        return cleaners[kind](data, Budget())
    return reencode_image(data, kind, Budget())


def clean(data: bytes) -> CleanFile:
    """The file without its metadata, or FileRefused with the reason."""
    try:
        kind = detect_kind(data)
        cleaned = _clean_kind(data, kind)
    except FileRefused:
        raise
    except Exception as error:  # a damaged file of an accepted type, a library's limit
        raise CannotClean(repr(error)) from error
    return CleanFile(kind, cleaned)
