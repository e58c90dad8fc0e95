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
            "type",
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
