"""ASVS 5.2.1: a body over its limit is refused before it is read, and the apply rate
limit is counted before the upload is received or unpacked.

The raw-socket tests send the headers and only a few bytes of the body: a server that
reads the body first never answers them, one that checks first answers at once."""

import pytest
from django.core.files.uploadhandler import FileUploadHandler

from ats.models import Application
from tests.factories import OpeningFactory
from tests.faults import send_headers_and_a_little
from tests.helpers import form_data, upload

pytestmark = pytest.mark.django_db


def test_an_application_declaring_300_mib_is_refused_before_its_body_is_sent(live_server):
    answer = send_headers_and_a_little(live_server, "/apply/", declared=300 * 1024 * 1024)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    assert b"A CV can be at most 10.0\xc2\xa0MB" in answer
    assert not Application.objects.exists()


def test_the_refusal_says_what_was_lost_and_leads_back_to_the_form_by_get(live_server):
    # UX review problems 6 and 33: the 413 page lost the form, and Back offered to send
    # the same body again; now a link fetches the form afresh, and others lead on.
    opening = OpeningFactory(slug="lagerchef")
    answer = send_headers_and_a_little(
        live_server, f"/jobs/{opening.slug}/?source=linkedin", declared=20 * 1024 * 1024
    ).decode()

    assert answer.startswith("HTTP/1.1 413")
    assert "not what you typed in the form either" in answer
    assert '<a href="/jobs/lagerchef/?source=linkedin">Back to the form</a>' in answer
    page_itself = answer.split('<main id="main"')[1]  # not the navigation above it
    assert '<a href="/jobs/">Back to the openings</a>' in page_itself
    assert '<a href="/my-data/">My data: links to your applications</a>' in page_itself


def test_a_form_without_files_refuses_a_50_mib_body_before_reading_it(live_server):
    answer = send_headers_and_a_little(live_server, "/my-data/", declared=50 * 1024 * 1024)

    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


def test_a_limited_address_is_refused_before_its_upload_is_read(live_server, client, settings):
    settings.ATS_APPLY_RATE_LIMIT = 1
    assert client.post("/apply/", form_data()).status_code == 200  # the one attempt allowed

    answer = send_headers_and_a_little(live_server, "/apply/", declared=1024 * 1024)

    assert answer.startswith(b"HTTP/1.1 429"), answer[:80]


def test_invalid_attempts_count_towards_the_apply_limit(client, notice, settings, sample_upload):
    settings.ATS_APPLY_RATE_LIMIT = 3
    for _ in range(3):  # a form with a bad address each time: never valid
        response = client.post("/apply/", form_data(sample_upload(), email="not an address"))
        assert response.status_code == 200

    response = client.post("/apply/", form_data(sample_upload(), consent="on"))

    assert response.status_code == 429
    assert not Application.objects.exists()


def test_a_cv_past_the_limit_is_dropped_unread_and_the_form_says_why(
    client, notice, settings, sample_upload
):
    settings.ATS_CV_MAX_BYTES = 50_000
    too_large = upload("cv.pdf", b"%PDF-1.7\n" + b"0" * 60_000 + b"\n%%EOF\n")
    response = client.post("/apply/", form_data(too_large, consent="on", name="Astrid Berg"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is too large; the largest accepted is 48.8" in page
    assert 'value="Astrid Berg"' in page  # what was typed comes back
    assert not Application.objects.exists()


def test_a_file_the_form_does_not_ask_for_is_refused(client, notice, sample_upload):
    data = form_data(sample_upload(), consent="on")
    data["photo"] = upload("photo.pdf", b"%PDF-1.7\n%%EOF\n")
    response = client.post("/apply/", data)

    assert response.status_code == 413
    assert not Application.objects.exists()


def test_a_form_without_files_refuses_any_file(client, db):
    response = client.post("/my-data/", {"email": "a@example.se", "f": upload("x.pdf", b"%PDF")})

    assert response.status_code == 413


def test_a_body_with_a_false_content_length_is_a_bad_request(client, db):
    response = client.post("/my-data/", {"email": "a@example.se"}, CONTENT_LENGTH="-5")

    assert response.status_code == 400


def test_csrf_is_still_checked_after_the_size_check(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/my-data/", {"email": "a@example.se"})

    assert response.status_code == 403


def test_a_cv_never_touches_the_disk_on_its_way_in(
    client, notice, sample_upload, cv_files, settings, tmp_path
):
    """Django spools an upload past FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a named
    temporary file, which a worker killed mid-request leaves behind, CV and all."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # the sample CV would be spooled...
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "no-such-folder")  # ...and fail to

    response = client.post("/apply/", form_data(sample_upload(), consent="on", name="Astrid"))

    assert response.status_code == 302
    assert Application.objects.get().name == "Astrid"
    assert cv_files.remaining() == [Application.objects.get().cv.name]


class SeenByTheProject(FileUploadHandler):
    """A project's own handler (a virus scan, say): it sees each file go by."""

    seen: list[str] = []

    def new_file(self, field_name, file_name, *args, **kwargs):
        self.seen.append(field_name)
        super().new_file(field_name, file_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def test_the_projects_own_upload_handlers_still_see_the_cv(client, notice, sample_upload, settings):
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.views.test_request_limits.SeenByTheProject",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    SeenByTheProject.seen.clear()

    response = client.post("/apply/", form_data(sample_upload(), consent="on", name="Astrid"))

    assert response.status_code == 302 and SeenByTheProject.seen == ["cv"]
