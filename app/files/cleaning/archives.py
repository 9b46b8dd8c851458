"""Zip packages (DOCX, ODT) read within limits, and written again entry by entry.

The zip's own table of contents is checked before zipfile reads it, and the declared size
of every entry before any is unpacked. Entries are then unpacked in chunks, counting, so a
size that lies cannot make one larger than allowed.
"""

from __future__ import annotations

import io
import zipfile

from app.files.cleaning.limits import (
    MAX_DIRECTORY_BYTES,
    MAX_ENTRIES,
    MAX_PART_BYTES,
    MAX_RATIO,
    RATIO_FROM,
    Budget,
    CannotClean,
    FileBomb,
)

_END_OF_DIRECTORY = b"PK\x05\x06"
_CHUNK = 64 * 1024


def open_archive(data: bytes, budget: Budget) -> zipfile.ZipFile:
    """The package, refused if it would unpack to too much; nothing is unpacked yet."""
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise CannotClean("damaged zip") from error
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise FileBomb(f"{len(entries)} entries")
    names = [entry.filename for entry in entries]
    if len(set(names)) != len(names):
        raise CannotClean("two entries with the same name")  # programs disagree on which counts
    for entry in entries:
        _check_entry(entry)
        budget.spend_unpacked(entry.file_size)
    return archive


def _check_directory(data: bytes) -> None:
    """The end record's counts, before zipfile builds an object per entry it lists."""
    end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65535))
    if end < 0 or end + 22 > len(data):
        raise CannotClean("no zip directory")
    count = int.from_bytes(data[end + 10 : end + 12], "little")
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    if count > MAX_ENTRIES or size > MAX_DIRECTORY_BYTES:  # also ZIP64's 0xFFFF markers
        raise FileBomb(f"zip directory of {count} entries, {size} bytes")


def _check_entry(entry: zipfile.ZipInfo) -> None:
    if entry.flag_bits & 0x1:
        raise CannotClean("encrypted entry")
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise CannotClean("unusual compression")
    if entry.file_size > MAX_PART_BYTES:
        raise FileBomb(f"{entry.filename}: {entry.file_size} bytes")
    if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
        raise FileBomb(f"{entry.filename}: {entry.file_size} from {entry.compress_size}")


def read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """One entry, unpacked in chunks: never more than it declared (already within limits)."""
    chunks, total = [], 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > entry.file_size:
                    raise FileBomb(f"{entry.filename} is larger than it says")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise CannotClean(f"damaged entry {entry.filename}") from error  # e.g. a wrong CRC
    return b"".join(chunks)


class PackageWriter:
    """A new zip: no dates, no owners, no comment; each entry keeps its compression."""

    def __init__(self):
        self.out = io.BytesIO()
        self.archive = zipfile.ZipFile(self.out, "w")

    def add(self, name: str, content: bytes, stored: bool = False) -> None:
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        self.archive.writestr(entry, content)

    def finish(self) -> bytes:
        self.archive.close()
        return self.out.getvalue()


def replace_entries(data: bytes, replacements: dict[str, bytes]) -> bytes:
    """A package we made ourselves, with some entries replaced (ODF's mimetype stays stored)."""
    writer = PackageWriter()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for entry in source.infolist():
            content = replacements.get(entry.filename)
            if content is None:
                content = source.read(entry)
            writer.add(entry.filename, content, entry.compress_type == zipfile.ZIP_STORED)
    return writer.finish()
