"""What one upload may cost to clean, and the reasons a file is refused.

An upload is at most 10 MB, but what it unpacks to is chosen by whoever made it: a zip entry
of zeros, a picture of one colour or a PDF stream compress a thousand to one. Every size
below is checked before the work it bounds, from what the file declares, and enforced
again while the work is done, since declarations can lie.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024

# Pictures: 40 megapixels holds an A4 page scanned at 600 dpi (35 MP) and every phone's
# usual photo (12 to 24 MP); a 48 or 50 MP full-sensor photo is larger than the 10 MB upload
# limit anyway. Decoded, 40 MP of RGBA is 160 MB: well under Pillow's own bomb limit (89 MP,
# 358 MB), which is a warning only, and only the first of the copies a clean-up makes.
MAX_PIXELS = 40_000_000
# WebP alone: Pillow decodes it through libwebp's animation decoder, which keeps two RGBA
# canvases: about 16 bytes a pixel, 190 MB for 12 MP. Phones save their photos as JPEG; a
# WebP comes from a messaging app or a web page, and is rarely more than a 12 MP photo.
MAX_WEBP_PIXELS = 12_000_000
# Pictures decoded and encoded again for one upload (most pictures inside documents are
# cleaned without decoding them): bounds the time a document full of pictures costs.
MAX_DECODED_PIXELS = 100_000_000

# Zip packages (DOCX, ODT). Real documents have tens of entries and unpack to a few times
# their size; XML compresses about ten to one, pictures not at all.
MAX_ENTRIES = 1_000
MAX_DIRECTORY_BYTES = 1 * MiB  # the zip's table of contents, read before any entry
MAX_PART_BYTES = 32 * MiB  # one entry, unpacked
MAX_UNPACKED_BYTES = 100 * MiB  # all entries of the upload, nested packages included
MAX_RATIO = 100  # unpacked size over packed size, for an entry of more than RATIO_FROM
RATIO_FROM = 1 * MiB
# XML parsed for one upload: lxml needs about ten times the text (170 MB for 16 MB).
MAX_XML_BYTES = 32 * MiB
# A document inside a document (the workbook behind a chart) is cleaned too; no deeper.
MAX_NESTING = 1

# PDF: the most qpdf may decode from one stream (object streams, the Flate layer over a
# JPEG). Image and page streams are copied as they are, never decoded.
MAX_PDF_DECODED_STREAM = 64 * MiB


class FileRefused(Exception):
    """The file is not stored; `reason` says why, in the words of the upload form."""

    reason = "unclean"


class UnsupportedFile(FileRefused):
    """Not one of the accepted types."""

    reason = "type"


class FileBomb(FileRefused):
    """It would unpack to far more than its size."""

    reason = "bomb"


class TooManyPixels(FileBomb):
    """A picture, alone or inside a document, larger than MAX_PIXELS."""

    reason = "pixels"


class CannotClean(FileRefused):
    """Damaged, protected, or with a part we cannot clean (a drawing, an embedded program)."""

    reason = "unclean"


def check_pixels(width: int, height: int, limit: int = MAX_PIXELS) -> None:
    if width <= 0 or height <= 0:
        raise CannotClean("a picture without a size")
    if width * height > limit:
        raise TooManyPixels(f"{width}x{height}")


@dataclass
class Budget:
    """What is left to spend on one upload; spending past it refuses the file."""

    unpacked: int = MAX_UNPACKED_BYTES
    xml: int = MAX_XML_BYTES
    decoded_pixels: int = MAX_DECODED_PIXELS

    def spend_unpacked(self, size: int) -> None:
        self.unpacked -= size
        if self.unpacked < 0:
            raise FileBomb("unpacks to too much")

    def spend_xml(self, size: int) -> None:
        self.xml -= size
        if self.xml < 0:
            raise FileBomb("too much XML")

    def spend_decoded_pixels(self, count: int) -> None:
        self.decoded_pixels -= count
        if self.decoded_pixels < 0:
            raise TooManyPixels("too many pictures to decode")
