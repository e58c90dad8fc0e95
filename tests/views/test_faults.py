"""When a part fails, the candidate is told plainly and nothing is half-stored."""

import re

import pytest
from botocore.config import Config

from ats.models import Application, DeletionRecord
from ats.services.purge import purge_due
from tests.factories import OpeningFactory, emailed_link, opened
from tests.faults import PostgresFaultProxy, needs_postgresql
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def folder_that_cannot_exist(settings, tmp_path, dead_port):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "ats.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": blocker / "cv"},  # under a file: every write fails
        },
    }


def s3_that_is_down(settings, tmp_path, dead_port):
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "ats-cv",
                "region_name": "eu-north-1",
                "endpoint_url": f"http://127.0.0.1:{dead_port}",
                "access_key": "x",
                "secret_key": "x",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
            },
        },
    }


@pytest.mark.parametrize("break_storage", [folder_that_cannot_exist, s3_that_is_down])
def test_storage_down_gives_a_clear_503_and_keeps_what_was_typed(
    client, notice, sample_upload, settings, tmp_path, dead_port, break_storage
):
    break_storage(settings, tmp_path, dead_port)
    response = client.post("/apply/", form_data(sample_upload(), consent="on", name="Astrid Berg"))

    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not store your CV just now, so nothing was saved." in page
    assert "Traceback" not in page
    assert 'value="Astrid Berg"' in page
    assert not Application.objects.exists()
    assert not DeletionRecord.objects.exists()
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def database_faults():
    """This process's database connection, through a proxy that can lose replies."""
    from django.db import connection

    database = connection.settings_dict
    proxy = PostgresFaultProxy(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    direct = database["HOST"], database["PORT"]
    connection.close()
    database["HOST"], database["PORT"] = "127.0.0.1", proxy.start()

    def bypass():
        connection.close()
        database["HOST"], database["PORT"] = direct

    proxy.bypass = bypass
    yield proxy
    bypass()
    proxy.stop()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("door", "lost_reply_to"),
    # Both doors store in one transaction (the application, its answers, what search
    # reads of it): the reply to its COMMIT is the one whose loss leaves it stored.
    [("spontaneous", b"COMMIT"), ("opening", b"COMMIT")],
)
def test_a_lost_reply_to_a_committed_application_keeps_its_cv_and_says_so(
    client, notice, sample_upload, cv_files, database_faults, door, lost_reply_to, settings
):
    settings.ATS_APPLY_RATE_LIMIT = None  # its count (the database cache) commits first
    path = f"/jobs/{OpeningFactory().slug}/" if door == "opening" else "/apply/"
    database_faults.drop_reply_to(lost_reply_to)

    response = client.post(path, form_data(sample_upload(), consent="on"))

    assert database_faults.dropped.is_set()
    assert response.status_code == 503
    assert "we cannot tell whether it arrived" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    database_faults.bypass()
    stored = Application.objects.get()  # PostgreSQL committed it before the reply was lost
    assert cv_files.remaining() == [stored.cv.name]  # ...so its CV is still there
    assert stored.receipt_sent_at is None  # the worker sends the receipt, with a real file


@pytest.mark.django_db(transaction=True)  # the erasure's enqueue runs on its real commit
def test_with_redis_down_candidates_apply_and_erase_and_the_purge_still_deletes(
    client, notice, sample_upload, cv_files, redis_that_stopped, caplog
):
    applied = [
        client.post("/apply/", form_data(sample_upload(), consent="on", email=f"a{n}@example.se"))
        for n in range(2)
    ]

    assert [response.status_code for response in applied] == [302, 302]
    assert Application.objects.count() == 2
    assert len([r for r in caplog.records if "Rate limits are off" in r.getMessage()]) == 1

    application = Application.objects.first()
    erase = opened(client, emailed_link(application)) + "erase/"
    response = client.post(erase)
    assert response.status_code == 200
    assert "is no longer shown to anyone" in response.content.decode()
    assert not Application.objects.live().filter(pk=application.pk).exists()  # committed

    summary = purge_due()  # the next scheduled run, Redis still down
    assert summary.deleted == {"erasure_requested": 1}
    assert not Application.objects.filter(pk=application.pk).exists()


def test_with_redis_down_the_careers_page_and_the_ads_are_rendered_uncached(
    client, notice, redis_that_stopped, caplog
):
    ad = OpeningFactory(title="Lagerchef")

    pages = [client.get(path) for path in ("/jobs/", "/jobs/", f"/jobs/{ad.slug}/")]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert all("Lagerchef" in page.content.decode() for page in pages)
    said = [r for r in caplog.records if "Pages are rendered uncached" in r.getMessage()]
    assert len(said) == 1  # once, not once per request


def the_forms_once(client, path: str) -> str:
    """The one-time field of the form a candidate's browser shows."""
    return re.search(r'name="once" value="(\w+)"', client.get(path).content.decode()).group(1)


@pytest.mark.parametrize("break_storage", [folder_that_cannot_exist, s3_that_is_down])
def test_sending_the_form_again_after_the_storage_failed_stores_the_application(
    client, notice, sample_upload, settings, tmp_path, cv_files, dead_port, break_storage
):
    form = form_data(consent="on", once=the_forms_once(client, "/apply/"))
    working = settings.STORAGES
    break_storage(settings, tmp_path, dead_port)
    assert client.post("/apply/", {**form, "cv": sample_upload()}).status_code == 503

    settings.STORAGES = working  # back: the candidate sends the page's form again
    again = client.post("/apply/", {**form, "cv": sample_upload()})

    assert again.status_code == 302
    assert Application.objects.count() == 1
    assert cv_files.remaining() == [Application.objects.get().cv.name]


@pytest.mark.django_db(transaction=True)
def test_a_double_tap_with_redis_down_stores_one_application(
    client, notice, sample_upload, cv_files, redis_that_stopped
):
    form = form_data(consent="on", once=the_forms_once(client, "/apply/"))

    first = client.post("/apply/", {**form, "cv": sample_upload()})
    second = client.post("/apply/", {**form, "cv": sample_upload()})

    assert first.status_code == 302
    assert "We already have this application" in second.content.decode()
    assert Application.objects.count() == 1
    assert cv_files.remaining() == [Application.objects.get().cv.name]  # the second CV went


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_sending_again_after_a_lost_reply_stores_what_never_committed(
    client, notice, sample_upload, cv_files, database_faults, settings
):
    settings.ATS_APPLY_RATE_LIMIT = None  # its count (the database cache) commits first
    path = f"/jobs/{OpeningFactory().slug}/"
    form = form_data(consent="on", once=the_forms_once(client, path))
    database_faults.drop_reply_to(b'INSERT INTO "ats_application"')  # inside BEGIN: no COMMIT

    lost = client.post(path, {**form, "cv": sample_upload()})
    assert database_faults.dropped.is_set() and lost.status_code == 503
    database_faults.bypass()
    assert not Application.objects.exists()

    again = client.post(path, {**form, "cv": sample_upload()})
    assert again.status_code == 302
    assert Application.objects.count() == 1
