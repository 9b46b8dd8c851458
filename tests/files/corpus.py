"""The upload corpus: files full of identifying details, bombs and disguises, made in memory.

Every identifying detail is a canary string listed in CANARIES: after cleaning, none may be
found in the file, in any zip entry, or in any decoded PDF stream (see `layers`). Bombs are
built without ever holding what they unpack to: deflate's output for a block of zeros ends
at a byte boundary after a full flush, so one compressed block is repeated (a 1.5 GB entry
is 1.6 MB), and the CRC of the zeros is computed with zlib's crc32_combine.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
import zlib

import pikepdf
from docx import Document
from PIL import Image, PngImagePlugin

ARTIST = "Artist-Ana-Reyes"
MAKE = "Canon"
MODEL = "Canon EOS-Canary"
GPS_DATUM = "GPS-Datum-Canary"
XMP_CREATOR = "Xmp-Creator-Canary"
PICTURE_COMMENT = "Picture-Comment-Canary"
PNG_AUTHOR = "Png-Author-Canary"
CORE_AUTHOR = "Core-Author-Canary"
COMPANY = "Company-Canary"
CUSTOM_PROPERTY = "Custom-Property-Canary"
COMMENT_AUTHOR = "Comment-Author-Canary"
COMMENT_INITIALS = "CmtInitials-Canary"
INSERT_AUTHOR = "Insert-Author-Canary"
DELETE_AUTHOR = "Delete-Author-Canary"
SPACED_AUTHOR = "Spaced-Author-Canary"
PREFIXED_AUTHOR = "Prefixed-Author-Canary"
PEOPLE_AUTHOR = "People-Author-Canary"
PEOPLE_EMAIL = "people-canary@example.org"
EXTENDED_AUTHOR = "Extended-Author-Canary"
IDS_AUTHOR = "Ids-Author-Canary"
CUSTOM_XML = "CustomXml-Canary"
TEMPLATE_PATH = "Template-Path-Canary"
PRINTER = "Printer-Canary"
DOC_VARIABLE = "DocVar-Canary"
CHANGE_AUTHOR = "Change-Author-Canary"
ANNOTATION_AUTHOR = "Annotation-Author-Canary"
STYLES_AUTHOR = "Styles-Author-Canary"
META_CREATOR = "Meta-Creator-Canary"
THUMBNAIL = "Thumbnail-Canary"
INFO_AUTHOR = "Info-Author-Canary"
INFO_CREATOR = "Info-Creator-Canary"
IMAGE_XMP = "Image-Xmp-Canary"
FONT_XMP = "Font-Xmp-Canary"
PIECE_INFO = "PieceInfo-Canary"
PDF_COMMENT_AUTHOR = "Pdf-Comment-Author-Canary"
ATTACHMENT = "Attachment-Canary"
JS_OPEN = "JS-Canary-Open"
JS_PAGE = "JS-Canary-Page"
JS_LINK = "JS-Canary-Link"
JS_NAMED = "JS-Canary-Named"
APPENDED = "Appended-Canary"

CANARIES = {
    "ARTIST": ARTIST,
    "MAKE": MAKE,
    "GPS_DATUM": GPS_DATUM,
    "XMP_CREATOR": XMP_CREATOR,
    "PICTURE_COMMENT": PICTURE_COMMENT,
    "PNG_AUTHOR": PNG_AUTHOR,
    "CORE_AUTHOR": CORE_AUTHOR,
    "COMPANY": COMPANY,
    "CUSTOM_PROPERTY": CUSTOM_PROPERTY,
    "COMMENT_AUTHOR": COMMENT_AUTHOR,
    "COMMENT_INITIALS": COMMENT_INITIALS,
    "INSERT_AUTHOR": INSERT_AUTHOR,
    "DELETE_AUTHOR": DELETE_AUTHOR,
    "SPACED_AUTHOR": SPACED_AUTHOR,
    "PREFIXED_AUTHOR": PREFIXED_AUTHOR,
    "PEOPLE_AUTHOR": PEOPLE_AUTHOR,
    "PEOPLE_EMAIL": PEOPLE_EMAIL,
    "EXTENDED_AUTHOR": EXTENDED_AUTHOR,
    "IDS_AUTHOR": IDS_AUTHOR,
    "CUSTOM_XML": CUSTOM_XML,
    "TEMPLATE_PATH": TEMPLATE_PATH,
    "PRINTER": PRINTER,
    "DOC_VARIABLE": DOC_VARIABLE,
    "CHANGE_AUTHOR": CHANGE_AUTHOR,
    "ANNOTATION_AUTHOR": ANNOTATION_AUTHOR,
    "STYLES_AUTHOR": STYLES_AUTHOR,
    "META_CREATOR": META_CREATOR,
    "THUMBNAIL": THUMBNAIL,
    "INFO_AUTHOR": INFO_AUTHOR,
    "INFO_CREATOR": INFO_CREATOR,
    "IMAGE_XMP": IMAGE_XMP,
    "FONT_XMP": FONT_XMP,
    "PIECE_INFO": PIECE_INFO,
    "PDF_COMMENT_AUTHOR": PDF_COMMENT_AUTHOR,
    "ATTACHMENT": ATTACHMENT,
    "JS_OPEN": JS_OPEN,
    "JS_PAGE": JS_PAGE,
    "JS_LINK": JS_LINK,
    "JS_NAMED": JS_NAMED,
    "APPENDED": APPENDED,
    "DATE": "2024-03-12T10:35",  # of comments and changes: it tells the time zone
    "PDF_DATE": "D:20240312",
}
TEXT = "Evidence of unpaid wages."
COMMENT_TEXT = "Check the wage figures."
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# Pictures -----------------------------------------------------------------------------


def xmp_packet(creator: str) -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{creator}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x0110] = MODEL
    exif[0x013B] = ARTIST
    exif[0x8825] = {1: "N", 2: (14.0, 35.0, 0.0), 3: "E", 4: (121.0, 0.0, 0.0), 18: GPS_DATUM}
    if orientation:
        exif[0x0112] = orientation
    return exif


def _picture(size=(32, 16)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    image.paste((200, 30, 30), (0, 0, size[0] // 2, size[1]))  # left half red: shows rotation
    return image


def photo_jpeg(size=(32, 16), orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    _picture(size).save(
        out,
        "JPEG",
        exif=_exif(orientation),
        xmp=xmp_packet(XMP_CREATOR),
        comment=PICTURE_COMMENT.encode(),
    )
    return out.getvalue()


def photo_png() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", PNG_AUTHOR)
    text.add_itxt("XML:com.adobe.xmp", xmp_packet(XMP_CREATOR).decode())
    out = io.BytesIO()
    _picture().save(out, "PNG", exif=_exif(), pnginfo=text)
    return out.getvalue()


def photo_webp() -> bytes:
    out = io.BytesIO()
    _picture().save(out, "WEBP", exif=_exif(), xmp=xmp_packet(XMP_CREATOR), quality=90)
    return out.getvalue()


# DOCX ---------------------------------------------------------------------------------


def docx_full() -> bytes:
    """A Word document with every place Word keeps a name, and a photo with EXIF."""
    document = Document()
    document.add_paragraph(TEXT)
    document.add_picture(io.BytesIO(photo_jpeg()))
    document.core_properties.author = CORE_AUTHOR
    document.core_properties.last_modified_by = CORE_AUTHOR
    base = io.BytesIO()
    document.save(base)
    parts = read_zip(base.getvalue())
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", _DOCX_TYPES + "</Types>").encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", _DOCUMENT_RELS + "</Relationships>"
    ).encode()
    package_rels = parts["_rels/.rels"].decode()
    parts["_rels/.rels"] = package_rels.replace(
        "</Relationships>", _PACKAGE_RELS + "</Relationships>"
    ).encode()
    body = parts["word/document.xml"].decode()
    body = body.replace("<w:sectPr", _TRACKED_PARAGRAPH + "<w:sectPr", 1)
    body = body.replace("</w:sectPr>", '<w:printerSettings r:id="rIdP1"/></w:sectPr>', 1)
    parts["word/document.xml"] = body.encode()
    settings = parts["word/settings.xml"].decode()
    start = settings.index(">", settings.index("<w:settings")) + 1
    parts["word/settings.xml"] = (settings[:start] + _SETTINGS + settings[start:]).encode()
    parts.update(_docx_extra_parts())
    return write_zip(parts)


_DOCX_TYPES = (
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.printerSettings"/>'
    '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.comments+xml"/>'
    '<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.people+xml"/>'
    '<Override PartName="/word/commentsExtended.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/>'
    '<Override PartName="/word/commentsIds.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.commentsIds+xml"/>'
    '<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.customXmlProperties+xml"/>'
    '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.custom-properties+xml"/>'
)
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOCUMENT_RELS = (
    f'<Relationship Id="rIdC1" Type="{_R}/comments" Target="comments.xml"/>'
    '<Relationship Id="rIdC2" Type="http://schemas.microsoft.com/office/2011/relationships/'
    'people" Target="people.xml"/>'
    '<Relationship Id="rIdC3" Type="http://schemas.microsoft.com/office/2011/relationships/'
    'commentsExtended" Target="commentsExtended.xml"/>'
    '<Relationship Id="rIdC4" Type="http://schemas.microsoft.com/office/2016/09/relationships/'
    'commentsIds" Target="commentsIds.xml"/>'
    f'<Relationship Id="rIdX1" Type="{_R}/customXml" Target="../customXml/item1.xml"/>'
    f'<Relationship Id="rIdP1" Type="{_R}/printerSettings" '
    'Target="printerSettings/printerSettings1.bin"/>'
)
_PACKAGE_RELS = (
    '<Relationship Id="rIdT1" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>'
    f'<Relationship Id="rIdT2" Type="{_R}/custom-properties" Target="docProps/custom.xml"/>'
)
# A comment and tracked changes, their authors in every quoting, spacing and prefix.
_WHEN = "2024-03-12T10:35:00Z"
_TRACKED_PARAGRAPH = (
    f'<w:p><w:pPr><w:pPrChange w:id="5" w:author = "{SPACED_AUTHOR}" w:date="{_WHEN}">'
    "<w:pPr/></w:pPrChange></w:pPr>"
    '<w:commentRangeStart w:id="0"/>'
    f'<w:ins w:id="1" w:author="{INSERT_AUTHOR}" w:date="{_WHEN}">'
    "<w:r><w:t>Inserted words.</w:t></w:r></w:ins>"
    f"<w:del w:id='2' w:author='{DELETE_AUTHOR}' w:date='{_WHEN}'>"
    "<w:r><w:delText>Deleted words.</w:delText></w:r></w:del>"
    f'<ns9:ins xmlns:ns9="{W}" ns9:id="3" ns9:author="{PREFIXED_AUTHOR}" ns9:date="{_WHEN}">'
    "<ns9:r><ns9:t> More words.</ns9:t></ns9:r></ns9:ins>"
    '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
)
_SETTINGS = (
    f'<w:attachedTemplate xmlns:r="{_R}" r:id="rIdT1"/>'
    f'<w:docVars><w:docVar w:name="case" w:val="{DOC_VARIABLE}"/></w:docVars>'
    '<w:rsids><w:rsidRoot w:val="00C0FFEE"/></w:rsids>'
)


def _docx_extra_parts() -> dict[str, bytes]:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"
    cid = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
    parts = {
        "word/comments.xml": (
            f'<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="{COMMENT_AUTHOR}" '
            f'w:initials="{COMMENT_INITIALS}" w:date="2024-03-12T10:35:00Z">'
            f"<w:p><w:r><w:t>{COMMENT_TEXT}</w:t></w:r></w:p></w:comment></w:comments>"
        ),
        "word/people.xml": (
            f'<w15:people xmlns:w15="{w15}"><w15:person w15:author="{PEOPLE_AUTHOR}">'
            f'<w15:presenceInfo w15:providerId="AD" w15:userId="S::{PEOPLE_EMAIL}::1"/>'
            "</w15:person></w15:people>"
        ),
        "word/commentsExtended.xml": (
            f'<w15:commentsEx xmlns:w15="{w15}"><w15:commentEx w15:paraId="00000001" '
            f'w15:done="0" w15:author="{EXTENDED_AUTHOR}"/></w15:commentsEx>'
        ),
        "word/commentsIds.xml": (
            f'<w16cid:commentsIds xmlns:w16cid="{cid}"><w16cid:commentId '
            f"w16cid:paraId='00000001' w16cid:durableId='1234' w16cid:author='{IDS_AUTHOR}'/>"
            "</w16cid:commentsIds>"
        ),
        "word/_rels/settings.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdT1" Type="{_R}/attachedTemplate" TargetMode="External" '
            f'Target="file:///C:/Users/{TEMPLATE_PATH}/AppData/Normal.dotm"/></Relationships>'
        ),
        "customXml/item1.xml": (
            '<b:Sources xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'bibliography"><b:Source><b:Author>{CUSTOM_XML}</b:Author></b:Source></b:Sources>'
        ),
        "customXml/itemProps1.xml": (
            '<ds:datastoreItem ds:itemID="{00000000-0000-0000-0000-000000000001}" '
            'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
        ),
        "customXml/_rels/item1.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_R}/customXmlProps" Target="itemProps1.xml"/>'
            "</Relationships>"
        ),
        "docProps/app.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Company>{COMPANY}</Company></Properties>'
        ),
        "docProps/custom.xml": (
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
            'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
            f'name="Case"><vt:lpwstr>{CUSTOM_PROPERTY}</vt:lpwstr></property></Properties>'
        ),
    }
    encoded = {name: (declaration + xml).encode() for name, xml in parts.items()}
    encoded["docProps/thumbnail.jpeg"] = photo_jpeg()
    encoded["word/printerSettings/printerSettings1.bin"] = PRINTER.encode("utf-16-le") + bytes(80)
    return encoded


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            stored = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=stored)
    return out.getvalue()


# ODT ----------------------------------------------------------------------------------

ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "officeooo": "http://openoffice.org/2009/office",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
ODT_TYPE = "application/vnd.oasis.opendocument.text"


def _odf_root(tag: str, body: str) -> bytes:
    spaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in ODF.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:{tag} {spaces} office:version="1.3">'
        f"{body}</office:{tag}>"
    ).encode()


def odt_full() -> bytes:
    """An OpenDocument text with a comment, a tracked change, a photo and a thumbnail."""
    change = (
        '<text:tracked-changes><text:changed-region text:id="ct1"><text:insertion>'
        f"<office:change-info><dc:creator>{CHANGE_AUTHOR}</dc:creator>"
        "<dc:date>2024-03-12T10:35:00</dc:date></office:change-info></text:insertion>"
        "</text:changed-region></text:tracked-changes>"
    )
    comment = (
        f'<office:annotation office:name="c1"><dc:creator>{ANNOTATION_AUTHOR}</dc:creator>'
        "<dc:date>2024-03-12T10:35:00</dc:date>"
        f"<meta:creator-initials>{COMMENT_INITIALS}</meta:creator-initials>"
        f"<text:p>{COMMENT_TEXT}</text:p></office:annotation>"
    )
    content = _odf_root(
        "document-content",
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph">'
        '<style:text-properties officeooo:rsid="0012ab34" officeooo:paragraph-rsid="0012ab34"/>'
        "</style:style></office:automatic-styles><office:body><office:text>"
        f'{change}<text:p text:style-name="P1">{TEXT}{comment} More words.</text:p>'
        '<text:p><text:change-start text:change-id="ct1"/>Inserted words.'
        '<text:change-end text:change-id="ct1"/></text:p>'
        '<text:p><draw:frame draw:name="Image1" svg:width="2cm" svg:height="1cm">'
        '<draw:image xlink:href="Pictures/photo.jpg" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body>',
    )
    styles = _odf_root(
        "document-styles",
        '<office:master-styles><style:master-page style:name="Standard"><style:header>'
        '<text:p>Header<office:annotation xmlns:purl="http://purl.org/dc/elements/1.1/">'
        f"<purl:creator>{STYLES_AUTHOR}</purl:creator><purl:date>2024-03-12T10:35:00</purl:date>"
        "<text:p>A note.</text:p></office:annotation></text:p></style:header>"
        "</style:master-page></office:master-styles>",
    )
    meta = _odf_root(
        "document-meta",
        f"<office:meta><meta:initial-creator>{META_CREATOR}</meta:initial-creator>"
        f"<dc:creator>{META_CREATOR}</dc:creator><meta:generator>LibreOffice</meta:generator>"
        "</office:meta>",
    )
    setup = base64.b64encode(f"{PRINTER} on the shelter's desk".encode()).decode()
    settings = _odf_root(
        "document-settings",
        '<office:settings><config:config-item-set config:name="ooo:configuration-settings">'
        f'<config:config-item config:name="PrinterName" config:type="string">{PRINTER}'
        '</config:config-item><config:config-item config:name="PrinterSetup" '
        f'config:type="base64Binary">{setup}</config:config-item>'
        '<config:config-item config:name="PrinterIndependentLayout" config:type="string">'
        "high-resolution</config:config-item></config:config-item-set></office:settings>",
    )
    files = ["content.xml", "styles.xml", "meta.xml", "settings.xml"]
    media = {"Pictures/photo.jpg": "image/jpeg", "Thumbnails/thumbnail.png": "image/png"}
    entries = f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_TYPE}"/>'
    entries += "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{kind}"/>'
        for path, kind in [(name, "text/xml") for name in files] + list(media.items())
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="'
        f'{ODF["manifest"]}" manifest:version="1.3">{entries}</manifest:manifest>'
    ).encode()
    thumbnail_text = PngImagePlugin.PngInfo()
    thumbnail_text.add_text("Title", THUMBNAIL)
    thumbnail = io.BytesIO()
    _picture().save(thumbnail, "PNG", pnginfo=thumbnail_text)
    return write_zip(
        {
            "mimetype": ODT_TYPE.encode(),
            "META-INF/manifest.xml": manifest,
            "content.xml": content,
            "styles.xml": styles,
            "meta.xml": meta,
            "settings.xml": settings,
            "Pictures/photo.jpg": photo_jpeg(),
            "Thumbnails/thumbnail.png": thumbnail.getvalue(),
        }
    )


# PDF ----------------------------------------------------------------------------------


def pdf_full() -> bytes:
    """A PDF with Info, XMP, a photo carrying its own XMP, scripts and an attachment."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    image = pikepdf.Stream(pdf, photo_jpeg())
    image.update(_image_entries(32, 16, "/DeviceRGB", "/DCTDecode"))
    image.Metadata = pdf.make_stream(xmp_packet(IMAGE_XMP))
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1)
    font.BaseFont = pikepdf.Name.Helvetica
    font.Metadata = pdf.make_stream(xmp_packet(FONT_XMP))
    page.obj.Resources = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=font)
    )
    page.obj.Contents = pdf.make_stream(
        f"q 64 0 0 32 10 150 cm /Im0 Do Q BT /F1 12 Tf 10 100 Td ({TEXT}) Tj ET".encode()
    )
    page.obj.PieceInfo = pikepdf.Dictionary(
        Illustrator=pikepdf.Dictionary(Private=pikepdf.String(PIECE_INFO))
    )
    page.obj.AA = pikepdf.Dictionary(O=_javascript(pdf, JS_PAGE))
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                _annotation("/Link", A=_javascript(pdf, JS_LINK, as_stream=True)),
                _annotation(
                    "/Link",
                    A=pikepdf.Dictionary(
                        S=pikepdf.Name.URI, URI=pikepdf.String("https://ohchr.org")
                    ),
                ),
                _annotation(
                    "/Text",
                    T=pikepdf.String(PDF_COMMENT_AUTHOR),
                    Contents=pikepdf.String(COMMENT_TEXT),
                    M=pikepdf.String("D:20240312103500+08'00'"),
                ),
            ]
        )
    )
    pdf.Root.OpenAction = _javascript(pdf, JS_OPEN)
    pdf.attachments["evidence.txt"] = pikepdf.AttachedFileSpec(pdf, ATTACHMENT.encode())
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("startup"), _javascript(pdf, JS_NAMED)])
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:creator"] = [XMP_CREATOR]
    pdf.docinfo["/Author"] = INFO_AUTHOR
    pdf.docinfo["/Creator"] = INFO_CREATOR
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _image_entries(width: int, height: int, colours: str, encoding: str) -> dict:
    return {
        "/Type": pikepdf.Name.XObject,
        "/Subtype": pikepdf.Name.Image,
        "/Width": width,
        "/Height": height,
        "/ColorSpace": pikepdf.Name(colours),
        "/BitsPerComponent": 8,
        "/Filter": pikepdf.Name(encoding),
    }


def _javascript(pdf, script: str, as_stream: bool = False) -> pikepdf.Dictionary:
    code = f"app.alert('{script}');".encode()
    body = pdf.make_stream(code) if as_stream else pikepdf.String(code)
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=body)


def _annotation(subtype: str, **entries) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name(subtype),
        Rect=pikepdf.Array([10, 10, 60, 30]),
        **entries,
    )


# Bombs --------------------------------------------------------------------------------

MB = 1024 * 1024


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from the CRCs of A and B and B's length."""

    def times(matrix, vector):
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix):
        return [times(matrix, matrix[n]) for n in range(32)]

    if length2 == 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def zeros_crc32(size: int) -> int:
    """CRC-32 of `size` zero bytes (a whole number of MB), without making them."""
    crc, piece, piece_size, count = 0, zlib.crc32(bytes(MB)), MB, size // MB
    while count:
        if count & 1:
            crc = crc32_combine(crc, piece, piece_size)
        piece = crc32_combine(piece, piece, piece_size)
        piece_size *= 2
        count >>= 1
    return crc


def deflated_zeros(size: int) -> bytes:
    """Raw deflate of `size` zero bytes: one compressed MB repeated, then the rest."""
    whole, rest = divmod(size, MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    return block * whole + last.compress(bytes(rest)) + last.flush()


def zlib_stream(prefix: bytes, zeros: int) -> bytes:
    """A zlib stream of `prefix` followed by `zeros` zero bytes, with its right checksum."""
    start = zlib.compressobj(9, zlib.DEFLATED, 15)
    head = start.compress(prefix) + start.flush(zlib.Z_FULL_FLUSH)
    checksum = zlib.adler32(prefix)
    low, high = checksum & 0xFFFF, checksum >> 16
    high = (high + zeros * low) % 65521  # Adler-32 after `zeros` more zero bytes
    return head + deflated_zeros(zeros) + (high << 16 | low).to_bytes(4, "big")


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already deflated entries: (name, deflated data, CRC, declared size)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, data, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        common = (8, 0, 0x21, crc, len(data), size, len(encoded), 0)  # deflated, 1980-01-01
        out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, *common) + encoded + data)
        entry = struct.pack("<HHHHHHIIIHHHHHII", 20, 20, 0, *common, 0, 0, 0, 0, offset)
        directory.write(b"PK\x01\x02" + entry + encoded)
    start, table, count = out.tell(), directory.getvalue(), len(entries)
    end = struct.pack("<HHHHIIH", 0, 0, count, count, len(table), start, 0)
    return out.getvalue() + table + b"PK\x05\x06" + end


def _docx_entries() -> list[tuple[str, bytes, int, int]]:
    document = Document()
    document.add_paragraph(TEXT)
    out = io.BytesIO()
    document.save(out)
    entries = []
    for name, content in read_zip(out.getvalue()).items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated = compressor.compress(content) + compressor.flush()
        entries.append((name, deflated, zlib.crc32(content), len(content)))
    return entries


def zip_bomb_docx(size: int = 1536 * MB) -> bytes:
    """A real DOCX plus an entry of `size` zeros that says how large it is (1.6 MB in all)."""
    return raw_zip(
        [*_docx_entries(), ("word/media/zeros.bin", deflated_zeros(size), zeros_crc32(size), size)]
    )


def lying_zip_bomb_docx(size: int = 1536 * MB) -> bytes:
    """The same entry of zeros, declaring 1,000 bytes (CRC of the first 1,000)."""
    bomb = ("word/media/zeros.bin", deflated_zeros(size), zlib.crc32(bytes(1000)), 1000)
    return raw_zip([*_docx_entries(), bomb])


def many_entries_docx(count: int = 20_000) -> bytes:
    entries = _docx_entries()
    empty = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    entries += [(f"word/media/{n}.bin", empty, 0, 0) for n in range(count)]
    return raw_zip(entries)


def png_bomb(width: int = 12000, height: int = 12000) -> bytes:
    """A PNG of width x height black pixels (every row: filter 0, then zeros)."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib_stream(b"", height * (1 + 3 * width)))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def webp_bomb(width: int = 5000, height: int = 5000) -> bytes:
    """A lossless WebP of one colour: 38 bytes whatever its size (each pixel costs no bit)."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 90, 160)).save(out, "WEBP", lossless=True, method=0)
    data = bytearray(out.getvalue())
    size = (width - 1) | (height - 1) << 14  # VP8L header: 14 bits each, after 0x2f
    bits = int.from_bytes(data[21:25], "little") & ~((1 << 28) - 1) | size
    data[21:25] = bits.to_bytes(4, "little")
    return bytes(data)


def docx_with_picture(picture: bytes, name: str = "word/media/image9.png") -> bytes:
    parts = read_zip(docx_plain())
    parts[name] = picture
    return write_zip(parts)


def docx_plain() -> bytes:
    document = Document()
    document.add_paragraph(TEXT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def flate_bomb_pdf(size: int = 1024 * MB) -> bytes:
    """A page whose second content stream is `size` zeros once decoded: 1 MB of PDF."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    text = pdf.make_stream(f"BT /F1 12 Tf 10 100 Td ({TEXT}) Tj ET".encode())
    zeros = pikepdf.Stream(pdf, zlib_stream(b"", size))
    zeros.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pikepdf.Array([text, zeros])
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    return out.getvalue()


def object_stream_bomb_pdf(size: int = 1024 * MB) -> bytes:
    """A PDF whose page refers to an object packed in an object stream of `size` bytes."""
    parts, offsets = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"], {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = sum(map(len, parts))
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    add(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    add(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    add(3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources 4 0 R >>")
    header = b"4 0 "
    packed = zlib_stream(header + b"<< >> ", size)  # zero bytes are white space in PDF
    add(
        5,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    )
    xref_at = sum(map(len, parts))
    rows = {0: (0, 0, 65535), 4: (2, 5, 0), 6: (1, xref_at, 0)}
    rows |= {n: (1, offsets[n], 0) for n in (1, 2, 3, 5)}
    table = b"".join(
        bytes([t]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
        for t, a, b in (rows[n] for n in range(7))
    )
    add(
        6,
        b"<< /Type /XRef /Size 7 /Root 1 0 R /W [1 4 2] /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream",
    )
    parts.append(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return b"".join(parts)


def pdf_with_huge_image(width: int = 20000, height: int = 20000) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    image = pikepdf.Stream(pdf, zlib.compress(bytes(1000)))
    image.update(_image_entries(width, height, "/DeviceGray", "/FlateDecode"))
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


BOMBS = {
    "zip bomb DOCX (1.5 GB entry)": zip_bomb_docx,
    "zip bomb DOCX, lying sizes": lying_zip_bomb_docx,
    "DOCX of 20,000 entries": many_entries_docx,
    "pixel bomb PNG 12000x12000": png_bomb,
    "pixel bomb PNG 8000x8000": lambda: png_bomb(8000, 8000),
    "pixel bomb PNG inside a DOCX": lambda: docx_with_picture(png_bomb()),
    "pixel bomb WebP 5000x5000": webp_bomb,
    "PDF, Flate stream of 1 GB": flate_bomb_pdf,
    "PDF, object stream of 1 GB": object_stream_bomb_pdf,
    "PDF, image of 20000x20000": pdf_with_huge_image,
}


# Disguises ----------------------------------------------------------------------------

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_with_canary() -> bytes:
    return write_zip({"evidence.html": f"<html>{APPENDED}</html>".encode()})


def appended_html() -> bytes:
    return f"<html><script>alert('{APPENDED}')</script></html>".encode()


POLYGLOTS = {
    "photo.jpg": lambda: photo_jpeg() + zip_with_canary(),
    "picture.png": lambda: photo_png() + appended_html(),
    "report.pdf": lambda: pdf_full() + appended_html(),
    "report.docx": lambda: docx_plain() + appended_html(),
}


# Files with a part that cannot be checked -------------------------------------------

EMF = b"\x01\x00\x00\x00" + bytes(36) + b" EMF" + bytes(48)  # an EMF header record
ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body>'
    "</w:document>"
).encode()


def docx_with_part(name: str, content: bytes) -> bytes:
    parts = read_zip(docx_plain())
    parts[name] = content
    return write_zip(parts)


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_full())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="reader"))
    return out.getvalue()


UNCHECKABLE = {
    "drawing.docx": lambda: docx_with_part("word/media/image2.emf", EMF),
    "icon.docx": lambda: docx_with_part("word/media/image3.svg", SVG),
    "entity.docx": lambda: docx_with_part("word/document.xml", ENTITY),
    "protected.pdf": encrypted_pdf,
}


# Looking inside -----------------------------------------------------------------------


def layers(data: bytes, where: str = "file"):
    """(where, bytes) for the file, every zip entry and every PDF stream, decoded."""
    yield where, data
    if data.startswith(b"PK\x03\x04"):
        for name, content in read_zip(data).items():
            yield from layers(content, f"{where}/{name}")
    elif data.startswith(b"%PDF-"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    yield f"{where}/stream {obj.objgen}", _decoded(obj)


def _decoded(stream: pikepdf.Stream) -> bytes:
    try:
        return stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized)
    except pikepdf.PdfError:
        return stream.read_raw_bytes()


def leaks(data: bytes) -> list[str]:
    """Every canary found, and where (in UTF-8 or UTF-16, as PDF and printers write it)."""
    found = []
    for where, content in layers(data):
        for name, canary in CANARIES.items():
            for encoded in (
                canary.encode(),
                canary.encode("utf-16-be"),
                canary.encode("utf-16-le"),
            ):
                if encoded in content:
                    found.append(f"{name} ({canary}) in {where}")
    return found


def found(data: bytes) -> set[str]:
    """The names of the canaries found."""
    return {leak.split(" ", 1)[0] for leak in leaks(data)}


def pictures(data: bytes):
    """(where, picture bytes) for every JPEG, PNG or WebP inside, itself included."""
    for where, content in layers(data):
        webp = content[:4] == b"RIFF" and content[8:12] == b"WEBP"
        if content[:3] == b"\xff\xd8\xff" or content[:8] == b"\x89PNG\r\n\x1a\n" or webp:
            yield where, content
