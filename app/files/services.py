"""Store an upload after checking and cleaning it; open and delete stored files."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime
from pathlib import Path

from flask import current_app, send_file
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.files.cleaning import EXTENSIONS, CleanFile, FileRefused, clean
from app.files.models import StoredFile


class UploadRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "type", "size", "empty", "bomb", "pixels" or "unclean"


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_filename(name: str, kind: str) -> str:
    """A download name without paths or control characters, with the right extension."""
    stem = Path(name or "file").stem
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[\x00-\x1f\x7f/\\\\:*?\"<>|]+", "", stem).strip(" .") or "file"
    return f"{stem[:150]}.{EXTENSIONS[kind]}"


def read_and_clean(upload: FileStorage) -> CleanFile:
    """The upload's bytes, within the size limit, checked and cleaned (kept in memory)."""
    data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise UploadRefused("empty")
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise UploadRefused("size")
    try:
        return clean(data)
    except FileRefused as refused:
        raise UploadRefused(refused.reason) from None


def store_upload(upload: FileStorage, by, now: datetime) -> StoredFile:
    cleaned = read_and_clean(upload)
    storage_name = secrets.token_hex(24)
    (_folder() / storage_name).write_bytes(cleaned.data)
    stored = StoredFile(
        storage_name=storage_name,
        original_name=safe_filename(upload.filename or "", cleaned.kind),
        kind=cleaned.kind,
        media_type=cleaned.media_type,
        size=len(cleaned.data),
        sha256=hashlib.sha256(cleaned.data).hexdigest(),
        uploaded_by_id=getattr(by, "id", None),
        created_at=now,
    )
    db.session.add(stored)
    return stored


def path_of(stored: StoredFile) -> Path:
    return _folder() / stored.storage_name


def delete_stored(stored: StoredFile) -> None:
    path_of(stored).unlink(missing_ok=True)
    db.session.delete(stored)


def remove_attached(collection: list, item) -> None:
    """Take a document or attachment off its owner, then delete its file and record."""
    stored = item.file
    collection.remove(item)
    db.session.flush()
    delete_stored(stored)


def download(stored: StoredFile):
    """Always as an attachment, sandboxed, never cached."""
    response = send_file(
        path_of(stored),
        mimetype=stored.media_type,
        as_attachment=True,
        download_name=stored.original_name,
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    return response
