"""Storing the file of an upload form, with a plain message on the field when refused."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.files.models import StoredFile
from app.files.services import UploadRefused, store_upload


def upload_message(reason: str) -> str:
    return {
        "type": _("This kind of file is not accepted. Send a PDF, DOCX, ODT, PNG or JPEG file."),
        "size": _("This file is too large."),
        "empty": _("This file is empty."),
    }[reason]


def store_from_form(form, by, now: datetime) -> StoredFile | None:
    """The form's file, checked and stored; or None, with the reason on the file field."""
    if not form.validate_on_submit():
        return None
    try:
        return store_upload(form.file.data, by, now)
    except UploadRefused as refused:
        form.file.errors.append(upload_message(refused.reason))
        return None
