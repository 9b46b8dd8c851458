"""The upload corpus through the real routes: uploaded, stored, downloaded, looked into."""

import io
import posixpath
import zipfile

import pikepdf
import pytest
from docx import Document
from lxml import etree
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.files.models import StoredFile
from tests.factories import make_consultation, make_org, make_submission, make_user
from tests.files import corpus
from tests.files.corpus import (
    APPENDED,
    BOMBS,
    COMMENT_TEXT,
    HTML,
    POLYGLOTS,
    SVG,
    TEXT,
    UNCHECKABLE,
    found,
    leaks,
    pictures,
    read_zip,
)


@pytest.fixture
def writer(signed_in_client):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "T."})
    return signed_in_client(owner), submission


def _upload(client, url: str, data: bytes, name: str):
    """The form as a browser sends it. (The test client's own encoder keeps a temporary
    file for bodies over 500 KB that nothing closes.)"""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nEvidence\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return client.post(
        url,
        data=head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


BOUNDARY = "upload-corpus-7f3a9c"


def _attach(client, submission, data: bytes, name: str):
    return _upload(client, f"/submissions/{submission.id}/attachments", data, name)


def _upload_and_download(writer, data: bytes, name: str) -> bytes:
    client, submission = writer
    response = _attach(client, submission, data, name)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    db.session.refresh(submission)
    attachment = submission.attachments[-1]
    download = client.get(f"/submissions/{submission.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    data = download.data
    download.close()
    return data


# Every identifying detail each file of the corpus carries before cleaning.
CARRIED = {
    "photo.jpg": (corpus.photo_jpeg, {"ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR",
                                      "PICTURE_COMMENT"}),
    "photo.png": (corpus.photo_png, {"ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR",
                                     "PNG_AUTHOR"}),
    "photo.webp": (corpus.photo_webp, {"ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR"}),
    "evidence.docx": (corpus.docx_full, {
        "ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR", "PICTURE_COMMENT", "CORE_AUTHOR",
        "COMPANY", "CUSTOM_PROPERTY", "COMMENT_AUTHOR", "COMMENT_INITIALS", "INSERT_AUTHOR",
        "DELETE_AUTHOR", "SPACED_AUTHOR", "PREFIXED_AUTHOR", "PEOPLE_AUTHOR", "PEOPLE_EMAIL",
        "EXTENDED_AUTHOR", "IDS_AUTHOR", "CUSTOM_XML", "TEMPLATE_PATH", "PRINTER",
        "DOC_VARIABLE", "DATE",
    }),
    "evidence.odt": (corpus.odt_full, {
        "ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR", "PICTURE_COMMENT", "CHANGE_AUTHOR",
        "ANNOTATION_AUTHOR", "COMMENT_INITIALS", "STYLES_AUTHOR", "META_CREATOR", "THUMBNAIL",
        "PRINTER", "DATE",
    }),
    "report.pdf": (corpus.pdf_full, {
        "ARTIST", "MAKE", "GPS_DATUM", "XMP_CREATOR", "PICTURE_COMMENT", "INFO_AUTHOR",
        "INFO_CREATOR", "IMAGE_XMP", "FONT_XMP", "PIECE_INFO", "PDF_COMMENT_AUTHOR",
        "ATTACHMENT", "JS_OPEN", "JS_PAGE", "JS_LINK", "JS_NAMED", "PDF_DATE",
    }),
}  # fmt: skip


@pytest.mark.parametrize("name", CARRIED)
def test_nothing_identifying_is_left_anywhere_inside(writer, name):
    make, carried = CARRIED[name]
    original = make()
    assert found(original) >= carried  # the corpus file really carries them
    cleaned = _upload_and_download(writer, original, name)
    assert leaks(cleaned) == []
    seen = list(pictures(cleaned))
    assert seen, "the pictures are kept"
    for where, picture in seen:
        image = Image.open(io.BytesIO(picture))
        assert not image.getexif(), where
        assert not {"exif", "xmp", "comment", "icc_profile", "Author"} & set(image.info), where


def test_word_still_opens_the_document_with_its_comments_and_changes(writer):
    cleaned = _upload_and_download(writer, corpus.docx_full(), "evidence.docx")
    document = Document(io.BytesIO(cleaned))
    assert document.paragraphs[0].text == TEXT
    assert len(document.inline_shapes) == 1
    parts = read_zip(cleaned)
    assert not [name for name in parts if name.startswith("customXml/")]
    assert "word/people.xml" not in parts and "docProps/thumbnail.jpeg" not in parts
    assert b"attachedTemplate" not in parts["word/_rels/settings.xml.rels"]
    assert not [name for name in parts if "printerSettings" in name]
    body = parts["word/document.xml"].decode()
    assert "Inserted words." in body and "Deleted words." in body and " More words." in body
    assert COMMENT_TEXT in parts["word/comments.xml"].decode()
    _assert_authors_are_empty(parts["word/document.xml"], expected=4)
    _assert_authors_are_empty(parts["word/comments.xml"], expected=1)
    _assert_every_reference_resolves(parts)


def _assert_authors_are_empty(xml: bytes, expected: int) -> None:
    authors = etree.fromstring(xml).xpath("//@*[local-name()='author']")
    assert len(authors) == expected and set(authors) == {""}  # Word requires the attribute


def _assert_every_reference_resolves(parts: dict[str, bytes]) -> None:
    """No relationship or content-type override points to a part that is gone."""
    names = {name.lower() for name in parts}
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types.xpath("*[local-name()='Override']"):
        assert override.get("PartName").lstrip("/").lower() in names, override.get("PartName")
    for name, content in parts.items():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        for relationship in etree.fromstring(content):
            if relationship.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, relationship.get("Target")))
            assert target.lower() in names, (name, relationship.get("Target"))


def test_the_opendocument_keeps_its_text_comments_and_picture(writer):
    cleaned = _upload_and_download(writer, corpus.odt_full(), "evidence.odt")
    with zipfile.ZipFile(io.BytesIO(cleaned)) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    parts = read_zip(cleaned)
    content = parts["content.xml"].decode()
    assert TEXT in content and COMMENT_TEXT in content and "Inserted words." in content
    assert "<office:annotation" in content and "<office:change-info" in content
    assert "Pictures/photo.jpg" in content and "Pictures/photo.jpg" in parts
    assert "Thumbnails/thumbnail.png" not in parts
    settings = parts["settings.xml"].decode()
    assert "PrinterIndependentLayout" in settings
    assert "PrinterName" not in settings and "PrinterSetup" not in settings
    manifest = etree.fromstring(parts["META-INF/manifest.xml"])
    listed = {entry.get(f"{{{corpus.ODF['manifest']}}}full-path") for entry in manifest}
    assert listed - {"/"} <= set(parts)  # LibreOffice refuses a manifest listing lost files


def test_the_pdf_keeps_its_text_picture_and_web_link_but_runs_nothing(writer):
    cleaned = _upload_and_download(writer, corpus.pdf_full(), "report.pdf")
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert "/Info" not in pdf.trailer
        assert not pdf.attachments
        for key in ("/OpenAction", "/AA", "/Metadata"):
            assert key not in pdf.Root
        assert "/JavaScript" not in pdf.Root.Names
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert not {"/Metadata", "/AA", "/JS", "/PieceInfo", "/EF"} & set(obj.keys())
        page = pdf.pages[0]
        assert TEXT.encode() in page.obj.Contents.read_bytes()
        assert "/Im0" in page.obj.Resources.XObject
        script_link, web_link, comment = page.obj.Annots
        assert "/A" not in script_link and str(web_link.A.URI) == "https://ohchr.org"
        assert "/T" not in comment and str(comment.Contents) == COMMENT_TEXT


def test_a_rotated_photo_in_a_document_stays_upright_without_its_exif(writer):
    photo = corpus.photo_jpeg(size=(32, 16), orientation=6)  # "turn 90 degrees to show"
    cleaned = _upload_and_download(writer, corpus.docx_with_picture(photo, "word/media/p.jpeg"),
                                   "rotated.docx")  # fmt: skip
    picture = Image.open(io.BytesIO(read_zip(cleaned)["word/media/p.jpeg"]))
    assert picture.size == (16, 32) and not picture.getexif()


DISGUISES = {"drawing.svg": SVG, "drawing.png": SVG, "report.pdf": HTML, "photo.jpg": HTML}


def test_scripts_disguised_as_documents_are_refused(writer, db):
    client, submission = writer
    for name, data in DISGUISES.items():
        response = _attach(client, submission, data, name)
        assert response.status_code == 422, name
        message = "Send a PDF, DOCX, ODT, PNG, JPEG or WebP file."
        assert message in response.get_data(as_text=True), name
    assert db.session.scalar(select(StoredFile)) is None


def test_what_is_appended_to_a_file_is_not_kept(writer):
    for name, make in POLYGLOTS.items():
        cleaned = _upload_and_download(writer, make(), name)
        for where, content in corpus.layers(cleaned):
            assert APPENDED.encode() not in content and b"<html" not in content, (name, where)
        if not name.endswith(".docx"):
            assert b"PK\x03\x04" not in cleaned, name


def test_documents_with_a_part_we_cannot_check_are_refused(writer, db):
    """Drawings (EMF, SVG), XML with entities, PDFs behind a password: never half cleaned."""
    client, submission = writer
    for name, make in UNCHECKABLE.items():
        response = _attach(client, submission, make(), name)
        assert response.status_code == 422, name
        page = response.get_data(as_text=True)
        assert "could not safely remove the hidden details" in page, name
    assert db.session.scalar(select(StoredFile)) is None


# Bombs: refused with a reason, quickly (bench/uploads.py) and within a bounded memory
# (test_bomb_memory.py). A Flate stream of a page is kept without being decoded.
PIXELS = "has too many pixels. Make it smaller (at most 40 million pixels, 12 million for WebP)"
REFUSALS = {
    "zip bomb DOCX (1.5 GB entry)": "unpacks to far more data",
    "zip bomb DOCX, lying sizes": "could not safely remove the hidden details",
    "DOCX of 20,000 entries": "unpacks to far more data",
    "pixel bomb PNG 12000x12000": PIXELS,
    "pixel bomb PNG 8000x8000": PIXELS,
    "pixel bomb PNG inside a DOCX": PIXELS,
    "PDF, object stream of 1 GB": "unpacks to far more data",
    "PDF, image of 20000x20000": PIXELS,
    "pixel bomb WebP 5000x5000": PIXELS,
}


def test_bombs_are_refused_with_a_message_on_the_file_field(writer, db):
    client, submission = writer
    for bomb, message in REFUSALS.items():
        name = "bomb.pdf" if bomb.startswith("PDF") else "bomb.docx"  # the name does not matter
        response = _attach(client, submission, BOMBS[bomb](), name)
        assert response.status_code == 422, bomb
        assert message in response.get_data(as_text=True), bomb
    assert db.session.scalar(select(StoredFile)) is None


def test_a_huge_flate_stream_in_a_pdf_is_kept_as_it_came(writer):
    bomb = BOMBS["PDF, Flate stream of 1 GB"]()
    cleaned = _upload_and_download(writer, bomb, "report.pdf")
    assert len(cleaned) < 2 * len(bomb)  # still compressed: never decoded
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert TEXT.encode() in pdf.pages[0].obj.Contents[0].read_bytes()


def test_a_consultation_document_bomb_gets_the_message_too(signed_in_client, db):
    facilitator = make_user(role="facilitator")
    consultation = make_consultation(facilitator=facilitator)
    url = f"/consultations/{consultation.slug}/documents"
    response = _upload(signed_in_client(facilitator), url, corpus.png_bomb(), "map.png")
    assert response.status_code == 422
    assert "too many pixels" in response.get_data(as_text=True)
    assert db.session.scalar(select(StoredFile)) is None
