import io
import zipfile

import pikepdf
import pytest
from docx import Document
from PIL import Image
from sqlalchemy import select

from app.files.models import StoredFile
from app.files.services import path_of
from tests.factories import make_org, make_submission, make_user


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 10), "blue")
    exif = Image.Exif()
    exif[0x010E] = "Secret description"  # ImageDescription
    exif[0x013B] = "Photographer Name"  # Artist
    gps = {1: "N", 2: (14.0, 35.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _pdf_with_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Ana Reyes"
    pdf.docinfo["/Creator"] = "Writer on ana-laptop"
    with pdf.open_metadata() as meta:
        meta["dc:creator"] = ["Ana Reyes"]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _docx_with_author() -> bytes:
    document = Document()
    document.add_paragraph("Evidence of unpaid wages.")
    document.core_properties.author = "Ana Reyes"
    document.core_properties.last_modified_by = "Ana Reyes"
    document.core_properties.comments = "draft from the shelter"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(client, submission, data: bytes, name: str):
    return client.post(
        f"/submissions/{submission.id}/attachments",
        data={"title": "Evidence", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def writer(signed_in_client):
    owner = make_user()
    submission = make_submission(org=make_org(owner), texts={"q1": "T."})
    return signed_in_client(owner), submission


def _stored(db) -> bytes:
    stored = db.session.scalar(select(StoredFile))
    return stored, path_of(stored).read_bytes()


def test_photo_gps_and_author_are_removed(writer, db):
    client, submission = writer
    assert _upload(client, submission, _jpeg_with_gps(), "photo.jpg").status_code == 303
    stored, data = _stored(db)
    image = Image.open(io.BytesIO(data))
    assert image.size == (20, 10)
    assert not image.getexif()
    assert b"Photographer" not in data and b"Secret description" not in data


def test_pdf_author_and_xmp_are_removed(writer, db):
    client, submission = writer
    _upload(client, submission, _pdf_with_author(), "report.pdf")
    stored, data = _stored(db)
    assert b"Ana Reyes" not in data and b"ana-laptop" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/Author" not in pdf.docinfo
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1


def test_docx_core_properties_are_removed(writer, db):
    client, submission = writer
    _upload(client, submission, _docx_with_author(), "evidence.docx")
    stored, data = _stored(db)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml")
    assert b"Ana Reyes" not in core and b"shelter" not in core
    assert "Evidence of unpaid wages." in Document(io.BytesIO(data)).paragraphs[0].text


def test_type_is_judged_by_content_not_by_name(writer, db):
    client, submission = writer
    renamed = _upload(client, submission, b"MZ\x90\x00 an executable", "harmless.pdf")
    assert renamed.status_code == 422
    assert "This kind of file is not accepted" in renamed.get_data(as_text=True)
    assert db.session.scalar(select(StoredFile)) is None
    png_as_txt = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png_as_txt, "PNG")
    _upload(client, submission, png_as_txt.getvalue(), "notes.txt")
    stored = db.session.scalar(select(StoredFile))
    assert (stored.kind, stored.original_name) == ("png", "notes.png")


def test_files_are_stored_outside_static_under_random_names(writer, db, app):
    client, submission = writer
    _upload(client, submission, _pdf_with_author(), "my report.pdf")
    stored, _data = _stored(db)
    assert "report" not in stored.storage_name and len(stored.storage_name) == 48
    assert not str(path_of(stored)).startswith(app.static_folder)


def test_download_only_for_people_who_see_the_submission(writer, db, signed_in_client, client):
    owner_client, submission = writer
    _upload(owner_client, submission, _pdf_with_author(), "report.pdf")
    db.session.refresh(submission)
    url = f"/submissions/{submission.id}/attachments/{submission.attachments[0].id}"
    response = owner_client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    assert signed_in_client(make_user()).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_oversized_upload_gets_413_with_an_explanation(writer, app):
    client, submission = writer
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'
    response = client.post(
        f"/submissions/{submission.id}/attachments",
        data=body + b"0" * limit + b"\r\n--x--\r\n",
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "This file is too large" in response.get_data(as_text=True)


def test_the_upload_form_warns_that_metadata_removal_is_not_redaction(writer):
    client, submission = writer
    page = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    assert "We do not remove what the document itself says" in page
