"""Hostile uploads and form data, all generated here: each gets a clear message, a 200
or 400, and leaves nothing stored. A name that is accepted never reaches a storage path."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict

from ats.models import (
    AdTemplate,
    Application,
    DeletionRecord,
    EmailTemplate,
    Opening,
    RejectionReason,
)
from tests.factories import UserFactory
from tests.helpers import ad_form, form_data, logged_in_staff, sample_bytes, upload
from tests.scanners import EICAR

pytestmark = pytest.mark.django_db


def docx(**extra_entries: bytes) -> bytes:
    """A real DOCX (the sample) with entries added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(sample_bytes("docx")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in extra_entries:
                target.writestr(item, source.read(item))
        for name, content in extra_entries.items():
            target.writestr(name, content)
    return buffer.getvalue()


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<w:document><w:body>&x;</w:body></w:document>"
)
PNG_HTML_POLYGLOT = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"<html><script>alert(document.cookie)</script></html>"
)


def pdf_with_a_comment(comment: bytes) -> bytes:
    """The sample PDF, with `comment` added at its end as an update with no objects."""
    original = sample_bytes("pdf")
    startxref = re.findall(rb"startxref\s+(\d+)", original)[-1]
    return original + b"%" + comment + b"\nstartxref\n" + startxref + b"\n%%EOF\n"


HOSTILE_FILES = {
    "html named .pdf": ("cv.pdf", b"<html><script>alert(1)</script></html>", "PDF, Word (DOCX)"),
    "javascript named .pdf": ("cv.pdf", b"alert(document.cookie);", "PDF, Word (DOCX)"),
    "png and html polyglot": ("cv.pdf", PNG_HTML_POLYGLOT, "PDF, Word (DOCX)"),
    "eicar in a pdf": ("cv.pdf", pdf_with_a_comment(EICAR), "virus scanner"),
    "docx zip bomb": (
        "cv.docx",
        docx(**{"word/media/bomb.bin": b"\0" * (101 * 1024 * 1024)}),
        "far more data than a CV",
    ),
    "zip with ../ entries": ("cv.docx", docx(**{"../../etc/cron.d/x": b"* * * * * id"}), "unsafe"),
    "docx with an xml external entity": (
        "cv.docx",
        docx(**{"word/document.xml": XXE}),
        "XML entities",
    ),
    "empty file": ("cv.pdf", b"", "empty"),
    "executable named cv.pdf.exe": ("cv.pdf.exe", sample_bytes("pdf"), "must end in .pdf"),
}


@pytest.fixture
def scanner(settings):
    settings.ATS_CV_SCANNER = "tests.scanners.refuse_eicar"


def assert_nothing_stored(cv_files):
    assert not Application.objects.exists()
    assert not DeletionRecord.objects.exists()
    assert cv_files.remaining() == []


@pytest.mark.parametrize("consent", ["on", ""])
@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_hostile_files_are_refused_with_a_reason(client, notice, cv_files, scanner, case, consent):
    name, content, message = HOSTILE_FILES[case]
    response = client.post("/apply/", form_data(upload(name, content), consent=consent))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_stored(cv_files)


def test_one_byte_over_the_limit_is_refused(client, notice, cv_files, settings):
    content = sample_bytes("pdf")
    settings.ATS_CV_MAX_BYTES = len(content) - 1
    response = client.post("/apply/", form_data(upload("cv.pdf", content), consent="on"))
    assert "the largest accepted is" in response.content.decode()
    assert_nothing_stored(cv_files)


@pytest.mark.parametrize(
    ("raw_name", "shown"),
    [
        ("../../../etc/passwd.pdf", "passwd.pdf"),
        ("cv\u202efdp.pdf", "cvfdp.pdf"),  # right-to-left override gone
        ("x" * 296 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_accepted_names_are_shown_cleaned_and_never_become_a_path(
    client, notice, cv_files, raw_name, shown
):
    client.post("/apply/", form_data(upload(raw_name, sample_bytes("pdf")), consent="on"))
    application = Application.objects.get()
    assert application.cv_filename == shown
    assert re.fullmatch(r"cv/[0-9a-f]{32}\.pdf", application.cv.name)
    assert cv_files.remaining() == [application.cv.name]


def test_a_nul_in_a_file_name_does_not_reach_storage(client, notice, cv_files):
    client.post("/apply/", form_data(upload("cv\x00.sh.pdf", sample_bytes("pdf")), consent="on"))
    for application in Application.objects.all():
        assert "\x00" not in application.cv_filename
        assert re.fullmatch(r"cv/[0-9a-f]{32}\.pdf", application.cv.name)


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "A" * 201},
        {"email": "a" * 250 + "@example.se"},
        {"phone": "1" * 41},
        {"cover_letter": "x" * 10_001},
        {"name": "Astrid\x00Lindqvist"},
    ],
)
def test_oversized_or_binary_text_is_refused(client, notice, sample_upload, cv_files, overrides):
    response = client.post("/apply/", form_data(sample_upload(), consent="on", **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert_nothing_stored(cv_files)


def test_form_data_that_is_not_utf8_is_refused(client, notice, cv_files):
    boundary = "hostile-boundary"
    parts = [
        ("name", "Åsa Öberg".encode("latin-1")),  # not UTF-8
        ("email", b"asa@example.se"),
        ("consent", b"on"),
    ]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in parts
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + sample_bytes("pdf")
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.generic(
        "POST", "/apply/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code in (200, 400)
    assert "could not read" in response.content.decode()
    assert_nothing_stored(cv_files)


# ASVS 2.2.1: what goes on one line (a title, a name, a subject, a reason) refuses line
# breaks and other control characters at every entrance, and nothing is stored.
CONTROL = ["Lager\r\nBcc: spam@example.se", "Lager\tchef", "Lager\x00chef", "Lager\u2028chef"]
REFUSAL = re.compile("one line|Null characters are not allowed")  # NUL: Django's own words


@pytest.mark.parametrize("value", CONTROL)
def test_a_name_on_the_application_form_is_one_line(client, notice, sample_upload, value):
    page = client.post("/apply/", form_data(sample_upload(), name=value)).content.decode()
    assert REFUSAL.search(page)
    assert not Application.objects.exists()


@pytest.mark.parametrize("value", CONTROL)
def test_subjects_and_reasons_in_the_admin_are_one_line(client, value):
    client.force_login(UserFactory(is_superuser=True))
    template = EmailTemplate.objects.first()
    subject = template.subject_sv

    changed = client.post(
        f"/admin/ats/emailtemplate/{template.pk}/change/",
        {**model_to_dict(template), "subject_sv": value},
    )
    added = client.post("/admin/ats/rejectionreason/add/", {"label": value})

    assert REFUSAL.search(changed.content.decode()) and REFUSAL.search(added.content.decode())
    template.refresh_from_db()
    assert template.subject_sv == subject
    assert not RejectionReason.objects.filter(label__startswith="Lager").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *((field, value) for field in ("title", "location", "contact_name") for value in CONTROL),
        *(("salary_currency", f"S{control}K") for control in "\n\t\x00\u2028"),  # 3 long
    ],
)
def test_every_one_line_field_of_the_ad_editor_is_one_line(client, field, value):
    logged_in_staff(client, "hr", "add_opening", "change_opening", "view_all_applications")

    page = client.post("/recruit/openings/new/", ad_form(**{field: value})).content.decode()

    assert REFUSAL.search(page), field
    assert not Opening.objects.exists()


@pytest.mark.parametrize("value", CONTROL)
def test_an_ad_templates_name_is_one_line(client, value):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="ats.recruiter"))
    client.force_login(user)
    fields = ad_form()
    del fields["application_deadline"], fields["action"]

    page = client.post("/recruit/ad-templates/new/", {**fields, "template_name": value})

    assert REFUSAL.search(page.content.decode())
    assert not AdTemplate.objects.exists()


@pytest.mark.parametrize(
    "gap", ["{opening.name}", "{first_name[x]}", "{}", "{0}", "Hej {", "{first_name:d}"]
)
@pytest.mark.parametrize("field", ["subject_sv", "body_en"])
def test_a_template_takes_only_placeholders_that_can_be_filled(client, gap, field):
    client.force_login(UserFactory(is_superuser=True))
    template = EmailTemplate.objects.get(key=EmailTemplate.Key.POSITION_FILLED)
    before = getattr(template, field)

    changed = client.post(
        f"/admin/ats/emailtemplate/{template.pk}/change/",
        {**model_to_dict(template), field: f"Hej {{first_name}}, {gap}"},
    )

    assert "Write each placeholder as a name in braces" in changed.content.decode()
    template.refresh_from_db()
    assert getattr(template, field) == before


def test_every_shipped_template_and_a_brace_written_twice_pass():
    for template in EmailTemplate.objects.all():
        template.full_clean()
    template.body_sv = "Hej {first_name}, {{inte en platshållare}} och {okänd} som skrivet."
    template.full_clean()
