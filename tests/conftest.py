import contextlib
import os
from importlib import import_module
from pathlib import Path
from uuid import uuid4

import boto3
import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from moto.server import ThreadedMotoServer

from ats.services.tags import create_tag
from tests import faults
from tests.factories import ApplicationFactory, PrivacyNoticeFactory
from tests.faults import RecordingSmtpHandler, S3FaultProxy, redis_server, send_mail_to
from tests.helpers import NURSE_CV, S3_BUCKET, S3_REGION, s3_options, sample_bytes, upload


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a real file in WAL mode, as production does, so that threads
    (concurrent purges) can share it; an in-memory database cannot. Each pytest-xdist
    worker has a database of its own: pytest-django's suffix (test_ats_gw0, ...) on a
    server, a folder of the worker's own for SQLite."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "ats.sqlite3")


class FolderFiles:
    """The private CV folder of one test, to check what is stored and what is gone."""

    def __init__(self, root: Path):
        self.root = root

    def remaining(self, prefix: str = "cv/") -> list[str]:
        """The stored files under `prefix`: CVs unless asked otherwise (the ledger is too)."""
        if not self.root.exists():
            return []
        found = (str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())
        return sorted(key for key in found if key.startswith(prefix))

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def put(self, key: str, content: bytes) -> None:
        (self.root / key).parent.mkdir(parents=True, exist_ok=True)
        (self.root / key).write_bytes(content)

    def snapshot(self, prefix: str = "cv/") -> dict[str, bytes]:
        """A backup of the stored files under `prefix`, to put back with `restore`."""
        return {key: self.read(key) for key in self.remaining(prefix)}

    def restore(self, backup: dict[str, bytes]) -> None:
        for key, content in backup.items():
            self.put(key, content)


class BucketFiles:
    """One test's prefix in the local S3 server's bucket, read over HTTP."""

    def __init__(self, client, location: str):
        self.client, self.location = client, location

    def remaining(self, prefix: str = "cv/") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=S3_BUCKET, Prefix=f"{self.location}/{prefix}"
        )
        start = len(self.location) + 1
        return sorted(item["Key"][start:] for page in pages for item in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=S3_BUCKET, Key=f"{self.location}/{key}")["Body"].read()

    def put(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=S3_BUCKET, Key=f"{self.location}/{key}", Body=content)

    snapshot = FolderFiles.snapshot
    restore = FolderFiles.restore


@pytest.fixture(autouse=True)
def cv_files(settings, tmp_path) -> FolderFiles:
    """Every test gets its own empty CV storage: a private folder."""
    root = tmp_path / "cv-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "ats.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return FolderFiles(root)


@pytest.fixture(autouse=True)
def english(settings):
    """Tests read the English texts; Swedish, the default, has tests of its own."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def queue_runs_inline(monkeypatch):
    """django-q2 runs each task as it is enqueued (on commit), in this process;
    tests of the real broker and cluster switch this back off."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Rate limits count in the cache, a database table as in production: every test
    that has the database starts with none used (the others cannot count at all)."""
    from django.core.cache import cache

    names = set(request.fixturenames)
    for database in ("transactional_db", "db"):  # set up first: this fixture runs early
        if database in names:
            request.getfixturevalue(database)
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    cache.clear()


@pytest.fixture(scope="session")
def s3_server():
    """A local S3 server (moto) on 127.0.0.1, spoken to over HTTP like the real one."""
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(variable, "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name=S3_REGION)
    # A second session in this process finds it: moto keeps its buckets per process.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_REGION}
        )
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_cv_files(settings, s3_server, cv_files) -> BucketFiles:
    """CV storage on the local S3 server through django-storages' S3Storage."""
    endpoint, client = s3_server
    location = f"test-{uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "region_name": S3_REGION,
                "endpoint_url": endpoint,
                "location": location,
                "file_overwrite": False,
                "querystring_auth": True,
                "default_acl": None,
            },
        },
    }
    return BucketFiles(client, location)


@pytest.fixture
def versioned_bucket(settings, s3_server, s3_cv_files):
    """The CV storage in a bucket of its own that keeps every version."""
    _, client = s3_server
    bucket = f"ats-versioned-{uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3_options(settings, bucket_name=bucket)
    return client, bucket


@pytest.fixture
def s3_faults(settings, s3_server, s3_cv_files):
    """The CV bucket reached through a proxy that fails the requests a test names."""
    endpoint, _ = s3_server
    proxy = S3FaultProxy(endpoint)
    s3_options(
        settings,
        endpoint_url=proxy.start(),
        # Retries as in production, quicker: the faults are what is tested, not patience.
        client_config=Config(retries={"mode": "standard", "max_attempts": 3}),
    )
    yield proxy
    proxy.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), which Django's SMTP backend sends to."""
    handler = RecordingSmtpHandler()
    with faults.smtp_server(handler) as port:
        send_mail_to(settings, port)
        yield handler


@pytest.fixture
def dead_port():
    """A port where nothing listens (connections are refused) for the whole test."""
    with faults.refusing_port() as port:
        yield port


@pytest.fixture(params=["folder", "s3"])
def stored_files(request):
    """The CV storage, once as a private folder and once on the local S3 server."""
    return request.getfixturevalue("cv_files" if request.param == "folder" else "s3_cv_files")


@pytest.fixture
def behind_the_proxy(settings):
    """The site behind nginx, which sets X-Forwarded-For (as README.md says); each call,
    a request's extras as the proxy passes it on: from the proxy, with that header."""
    settings.ATS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"

    def passed_on(forwarded_for: str) -> dict:
        return {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": forwarded_for}

    return passed_on


@pytest.fixture
def notice(db):
    return PrivacyNoticeFactory()


@pytest.fixture
def nurse(opening):
    """Karin Nyström, a nurse in Karlstad by her CV (NURSE_CV), in the interview stage of
    the test module's `opening`; her email, phone and letter (akutsjukvård) for those
    who decide on it to find."""
    return ApplicationFactory(
        opening=opening,
        name="Karin Nyström",
        email="karin.nystrom@example.se",
        phone="070-123 45 67",
        cover_letter="Jag brinner för akutsjukvård.",
        stage="interview",
        cv_text=NURSE_CV,
    )


@pytest.fixture
def tag(db):
    """One of the employer's tags, made as the tags page makes it."""
    return create_tag(name="Ring tillbaka")


@pytest.fixture
def sample_upload():
    """An upload of a real sample CV: sample_upload("pdf"), or with another file name."""

    def make(extension: str = "pdf", *, name: str | None = None) -> SimpleUploadedFile:
        return upload(name or f"CV Astrid Lindqvist.{extension}", sample_bytes(extension))

    return make


@pytest.fixture
def redis_that_stopped(settings, monkeypatch, tmp_path):
    """The cache and the queue's broker on a Redis server of this test's own, which
    answers once (so the setup is shown to be live) and is then stopped."""
    from django.core.cache import cache
    from django_q.conf import Conf

    from ats import queue

    with redis_server(tmp_path) as url:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        for name, value in {"ORM": None, "REDIS": url, "SYNC": False}.items():
            monkeypatch.setattr(Conf, name, value)
        queue._broker.cache_clear()
        cache.set("ats:probe", 1)
        assert cache.get("ats:probe") == 1
    yield
    queue._broker.cache_clear()


@pytest.fixture
def database_down(transactional_db, tmp_path):
    """From here on, connecting to the database fails: PostgreSQL's port has nothing
    listening on it, SQLite's file is in a folder that does not exist."""
    database = connection.settings_dict
    saved = dict(database)
    connection.close()
    if connection.vendor == "sqlite":
        database["NAME"] = str(tmp_path / "gone" / "ats.sqlite3")
        yield
    else:
        with faults.refusing_port() as port:
            database["HOST"], database["PORT"] = "127.0.0.1", port
            yield
    connection.close()
    database.update(saved)


@pytest.fixture
def shipped_email_templates(transactional_db):
    """The email templates the migrations ship, for a transactional test: the database
    such a test starts from holds no rows."""
    from django.apps import apps

    for migration, ship in (
        ("0015_candidate_emails", "ship_defaults"),
        ("0017_pipeline_scores_interviews", "ship_new_templates"),
        ("0035_receipt_from_the_employers_template", "receipts_from_templates"),
        ("0043_rejection_reason_languages", "split_shipped"),
    ):
        getattr(import_module(f"ats.migrations.{migration}"), ship)(apps, None)
