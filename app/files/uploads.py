"""Storing the file of an upload form, with a plain message on the field when refused."""

from __future__ import annotations

from datetime import datetime

from app.files.cleaning.limits import MAX_PIXELS, MAX_WEBP_PIXELS
from app.files.models import StoredFile
from app.files.services import UploadRefused, store_upload
from app.forms import add_error
from app.i18n import gettext as _


def upload_message(reason: str) -> str:
    return {
        "type": _(
            "This kind of file is not accepted. Send a PDF, DOCX, ODT, PNG, JPEG or WebP file."
        ),
        "size": _("This file is too large."),
        "empty": _("This file is empty."),
        "pixels": _(
            "A picture in this file has too many pixels. Make it smaller (at most "
            "%(megapixels)s million pixels, %(webp)s million for WebP) and send the file again.",
            megapixels=MAX_PIXELS // 1_000_000,
            webp=MAX_WEBP_PIXELS // 1_000_000,
        ),
        "bomb": _(
            "This file unpacks to far more data than its size. It may be damaged. "
            "Send a smaller or simpler file."
        ),
        "unclean": _(
            "We could not safely remove the hidden details from this file, so we did not keep "
            "it. It may be damaged, protected by a password, or contain a drawing or object "
            "we cannot check. Save it again as a PDF and send that."
        ),
    }[reason]


def store_from_form(form, by, now: datetime) -> StoredFile | None:
    """The form's file, checked and stored; or None, with the reason on the file field."""
    if not form.validate_on_submit():
        return None
    try:
        return store_upload(form.file.data, by, now)
    except UploadRefused as refused:
        add_error(form.file, upload_message(refused.reason))
        return None
