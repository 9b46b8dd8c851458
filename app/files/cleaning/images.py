"""Pictures: their size read from the header before any decoding, then cleaned.

A picture uploaded alone is decoded and encoded again: pixels only, turned as its EXIF
orientation said, nothing after its end (a zip or a page appended to it), and no bitstream
crafted for someone else's decoder. A JPEG, PNG or WebP inside a document or a PDF is
cleaned without decoding (faster, and no loss): the segments or chunks that hold pixels are
copied and every other one (EXIF with GPS, XMP, IPTC, ICC, comments, text, thumbnails) is
left out, and so is anything after the picture's end. A JPEG inside a document that its
EXIF turns, and GIF, BMP and TIFF pictures, are encoded again like a picture alone.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from app.files.cleaning.limits import (
    MAX_PIXELS,
    MAX_WEBP_PIXELS,
    Budget,
    CannotClean,
    TooManyPixels,
    check_pixels,
)
from app.files.cleaning.signatures import PNG_SIGNATURE

PILLOW_FORMATS = {
    "jpeg": "JPEG",
    "png": "PNG",
    "webp": "WEBP",
    "gif": "GIF",
    "bmp": "BMP",
    "tiff": "TIFF",
}


def reencode_image(data: bytes, kind: str, budget: Budget) -> bytes:
    """The pixels only, as the person saw them (EXIF orientation applied), in the same format."""
    if kind in STRIPPERS:
        STRIPPERS[kind](data)  # checks the declared size before Pillow reads anything
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
            check_pixels(*image.size, MAX_WEBP_PIXELS if kind == "webp" else MAX_PIXELS)
            budget.spend_decoded_pixels(image.width * image.height)
            image.load()
            picture = _pixels_only(image, kind)
            out = io.BytesIO()
            _save(picture, kind, out)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise TooManyPixels(str(error)) from None


def _pixels_only(image: Image.Image, kind: str) -> Image.Image:
    ImageOps.exif_transpose(image, in_place=True)  # keep the orientation people saw
    transparency = image.info.get("transparency")
    if kind == "tiff":
        image = image.copy()  # a TIFF image would copy its own XMP and IPTC tags when saved
    image.info = {}  # EXIF, XMP, ICC, comments, text chunks: savers read some from here
    if image.mode in ("P", "PA") and kind != "gif":
        image = image.convert("RGBA" if transparency is not None or image.mode == "PA" else "RGB")
    elif kind == "gif" and transparency is not None:
        image.info["transparency"] = transparency
    if kind == "jpeg" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    elif image.mode not in _MODES.get(kind, (image.mode,)):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    return image


_MODES = {"webp": ("RGB", "RGBA"), "png": ("1", "L", "LA", "RGB", "RGBA", "I", "I;16")}


# Above 4 megapixels (photos rather than screenshots), faster settings: zlib's level 6 takes
# five times as long as level 1 on a 12 MP photo, and WebP's method 4 several seconds.
_LARGE = 4_000_000


def _save(image: Image.Image, kind: str, out: io.BytesIO) -> None:
    large = image.width * image.height > _LARGE
    if kind == "jpeg":
        image.save(out, "JPEG", quality=90)
    elif kind == "webp":  # lossy even from lossless: encoding lossless takes far too long
        image.save(out, "WEBP", quality=90, method=2 if large else 4)
    elif kind == "png":
        image.save(out, "PNG", compress_level=1 if large else 6)
    elif kind == "tiff":
        image.save(out, "TIFF", compression="tiff_deflate")
    else:
        image.save(out, PILLOW_FORMATS[kind])


def clean_embedded_image(data: bytes, kind: str, budget: Budget) -> bytes:
    """A picture inside a document: cleaned without decoding when the format allows it."""
    if kind == "jpeg" and not _is_rotated_jpeg(data):
        return strip_jpeg(data)
    if kind in ("png", "webp"):
        return STRIPPERS[kind](data)
    # Rotated JPEGs (the rotation is in the EXIF being removed), GIF, BMP and TIFF.
    return reencode_image(data, kind, budget)


def _is_rotated_jpeg(data: bytes) -> bool:
    strip_jpeg(data)  # the declared size first
    with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
        return image.getexif().get(0x0112, 1) != 1  # Orientation


# JPEG: markers (0xFF, kind), most followed by a two-byte length. APP0..APP15 (JFIF, EXIF,
# XMP, ICC, IPTC, thumbnails) and COM are left out, except APP14 "Adobe", which says how to
# read the colours of CMYK pictures and holds nothing else.
_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE_MARKERS = {0x01, *range(0xD0, 0xD8)}


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG's pixels, unchanged, without metadata or anything after its end."""
    if not data.startswith(b"\xff\xd8"):
        raise CannotClean("not a JPEG")
    kept, position, size = [b"\xff\xd8"], 2, None
    while position < len(data):
        if data[position] != 0xFF:  # stray bytes between segments: skipped, as libjpeg does
            position = data.find(b"\xff", position)
            if position < 0:
                break
        marker = data[position + 1] if position + 1 < len(data) else 0xD9
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image: whatever follows is not part of the picture
            break
        if marker in _STANDALONE_MARKERS:
            kept.append(data[position : position + 2])
            position += 2
            continue
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end > len(data) or end < position + 4:
            raise CannotClean("damaged JPEG")
        if marker in _SOF_MARKERS:
            height = int.from_bytes(data[position + 5 : position + 7], "big")
            width = int.from_bytes(data[position + 7 : position + 9], "big")
            size = (width, height)
            check_pixels(width, height)
        is_metadata = 0xE0 <= marker <= 0xEF or marker == 0xFE
        if not is_metadata or (marker == 0xEE and data[position + 4 : position + 9] == b"Adobe"):
            kept.append(data[position:end])
        position = end
        if marker == 0xDA:  # start of scan: coded data up to the next real marker
            scan_end = _end_of_scan(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
    if size is None:
        raise CannotClean("JPEG without a frame")
    kept.append(b"\xff\xd9")
    return b"".join(kept)


def _end_of_scan(data: bytes, position: int) -> int:
    while True:
        position = data.find(b"\xff", position)
        if position < 0 or position + 1 >= len(data):
            return len(data)  # a truncated picture: keep what is there
        following = data[position + 1]
        if following == 0 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
            position += 2
        elif following == 0xFF:
            position += 1
        else:
            return position


# PNG: chunks of (length, type, data, CRC). Kept: pixels and how to show them. Left out:
# text (tEXt, zTXt, iTXt: often author, software, comments), eXIf, tIME, iCCP (a profile
# names its device), animation frames after the first picture, and any private chunk.
_PNG_KEPT = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"sBIT",
    b"bKGD",
    b"pHYs",
    b"hIST",
}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise CannotClean("not a PNG")
    check_pixels(int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))
    kept, position = [PNG_SIGNATURE], len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        kind = data[position + 4 : position + 8]
        end = position + 12 + int.from_bytes(data[position : position + 4], "big")
        if end > len(data):
            raise CannotClean("damaged PNG")
        if kind in _PNG_KEPT:
            kept.append(data[position:end])
        if kind == b"IEND":
            return b"".join(kept)
        position = end
    raise CannotClean("PNG without an end")


# WebP: a RIFF file of chunks (fourcc, little-endian size, data padded to even). Kept:
# the picture (VP8, VP8L, alpha, animation frames) and the VP8X header with its ICC, EXIF
# and XMP flags cleared; left out: ICCP, EXIF, XMP and unknown chunks.
_WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
_VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP


def strip_webp(data: bytes) -> bytes:
    kept, size = [], None
    for fourcc, payload in _webp_chunks(data):
        size = size or _webp_chunk_size(fourcc, payload)
        if fourcc == b"VP8X":
            payload = bytes([payload[0] & ~_VP8X_METADATA_FLAGS]) + payload[1:]
        if fourcc in _WEBP_KEPT:
            padding = b"\0" * (len(payload) % 2)
            kept.append(fourcc + len(payload).to_bytes(4, "little") + payload + padding)
    if size is None:
        raise CannotClean("WebP without a picture")
    check_pixels(*size)
    body = b"WEBP" + b"".join(kept)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def _webp_chunks(data: bytes):
    if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        raise CannotClean("not a WebP")
    position, end = 12, min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    while position + 8 <= end:
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        payload = data[position + 8 : position + 8 + length]
        if len(payload) != length:
            raise CannotClean("damaged WebP")
        yield data[position : position + 4], payload
        position += 8 + length + length % 2


def _webp_chunk_size(fourcc: bytes, payload: bytes) -> tuple[int, int] | None:
    if fourcc == b"VP8X" and len(payload) >= 10:
        width = int.from_bytes(payload[4:7], "little") + 1
        return width, int.from_bytes(payload[7:10], "little") + 1
    if fourcc == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        width = int.from_bytes(payload[6:8], "little") & 0x3FFF
        return width, int.from_bytes(payload[8:10], "little") & 0x3FFF
    if fourcc == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        bits = int.from_bytes(payload[1:5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


STRIPPERS = {"jpeg": strip_jpeg, "png": strip_png, "webp": strip_webp}
