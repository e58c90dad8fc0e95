"""A CV's text, read from the real sample files of each accepted type."""

from django.core.files.base import ContentFile

from ats.cv_checks import DOCX, ODT, PDF
from ats.cv_text import extract_text, tidy
from tests.helpers import sample_bytes


def test_each_accepted_type_gives_the_cvs_words():
    for cv_type, extension in ((PDF, "pdf"), (DOCX, "docx"), (ODT, "odt")):
        text = extract_text(ContentFile(sample_bytes(extension)), cv_type)

        assert "Systemutvecklare · Karlstad" in text, extension
        assert "Karlstads universitet" in text and "Svenska (modersmål)" in text, extension


def test_the_file_is_left_at_its_start_for_storing():
    file = ContentFile(sample_bytes("odt"))

    extract_text(file, ODT)

    assert file.tell() == 0


def test_a_file_that_is_not_what_its_type_says_gives_no_text():
    assert extract_text(ContentFile(b"PK\x03\x04 broken"), DOCX) == ""
    assert extract_text(ContentFile(b"PK\x03\x04 broken"), ODT) == ""
    assert extract_text(ContentFile(b"%PDF-1.4 broken"), PDF) == ""


def test_whitespace_is_tidied():
    assert tidy("  a   b \n\n\n\nc\x00\n") == "a b\n\nc"
