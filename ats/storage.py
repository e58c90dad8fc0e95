"""Private CV storage: every CV is saved, listed and deleted through this module.

CVs live in their own STORAGES alias (ATS_CV_STORAGE) under random keys with the
prefix `cv/`; the candidate's file name never reaches a storage path.
"""

import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from uuid import uuid4
from weakref import WeakKeyDictionary

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

from .app_settings import app_settings

logger = logging.getLogger(__name__)

CV_PREFIX = "cv/"
S3_DELETE_LIMIT = 1000  # keys per DeleteObjects request, fixed by S3


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder that no URL serves: a CV leaves only through an access-checked view."""

    def url(self, name):
        raise ValueError("CVs have no public URL; serve them through the access-checked view.")


def cv_backend() -> Storage:
    return storages[app_settings.CV_STORAGE]


class CvStorage(LazyObject):
    def _setup(self):
        self._wrapped = cv_backend()


cv_storage = CvStorage()


def get_cv_storage() -> CvStorage:
    """FileField's storage callable: keeps the backend out of migrations."""
    return cv_storage


@receiver(setting_changed)
def forget_cv_storage(*, setting: str, **kwargs) -> None:
    """Follow overridden STORAGES in tests, as Django does for default_storage."""
    if setting in ("STORAGES", "ATS_CV_STORAGE"):
        cv_storage._wrapped = empty


class StorageUnavailable(Exception):
    """The CV storage could not be written; nothing of the upload is left in it."""


def save_cv(content: File, *, extension: str) -> str:
    """Store a validated CV under a new random key and return the key."""
    key = f"{CV_PREFIX}{uuid4().hex}{extension}"
    try:
        return cv_storage.save(key, content)
    except (OSError, BotoCoreError, ClientError) as error:
        logger.error("The CV storage refused a file: %s", type(error).__name__)
        # A folder can keep a partly written file; if even this fails, the sweep will.
        with contextlib.suppress(OSError, BotoCoreError, ClientError):
            cv_storage.delete(key)
        raise StorageUnavailable from error


_s3_clients: WeakKeyDictionary = WeakKeyDictionary()


def s3_client(backend: S3Storage) -> BaseClient:
    """The backend's S3 client, one for every thread. django-storages gives each thread
    a boto3 session of its own, for its resources are not thread-safe; clients are, and
    a new session spends a fraction of a second loading service models: the purge's
    file thread uses the client made already."""
    client = _s3_clients.get(backend)
    if client is None:
        client = _s3_clients[backend] = backend.connection.meta.client
    return client


def delete_cv(key: str) -> None:
    cv_storage.delete(key)


def create_exclusively(key: str, body: bytes) -> bool:
    """Write a new object in one request; False, writing nothing, if the key is taken
    (S3's conditional write, or an exclusive create in a folder)."""
    backend = cv_backend()
    if isinstance(backend, S3Storage):
        try:
            s3_client(backend).put_object(
                Bucket=backend.bucket_name,
                Key=safe_join(backend.location, key),
                Body=body,
                IfNoneMatch="*",
                **backend.object_parameters,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] in (
                "PreconditionFailed",
                "ConditionalRequestConflict",
            ):
                return False
            raise
        return True
    path = Path(backend.path(key))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("xb") as handle:
            handle.write(body)
    except FileExistsError:
        return False
    return True


PRESIGNED_URL_SECONDS = 60  # long enough to start a download, too short to pass around


def presigned_cv_url(key: str, *, filename: str, content_type: str) -> str | None:
    """A short-lived S3 link that downloads the CV as an attachment, or None when the
    backend cannot sign links (a folder): then the view streams the file itself."""
    backend = cv_backend()
    if not isinstance(backend, S3Storage):
        return None
    return backend.url(
        key,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
            "ResponseCacheControl": "no-store",
        },
        expire=PRESIGNED_URL_SECONDS,
    )


def keeps_versions() -> bool:
    """Whether deleting a CV must also delete its older versions (a versioned bucket)."""
    backend = cv_backend()
    return isinstance(backend, S3Storage) and s3_bucket_versioned(backend)


def delete_cv_files(keys: Sequence[str], *, versioned: bool | None = None) -> set[str]:
    """Delete many CV files in as few requests as the backend allows.

    Returns the keys that could not be deleted; a key that is already gone counts as
    deleted. On S3 that is one DeleteObjects request per 1000 keys, never one per file.
    A caller deleting many batches passes `versioned` (keeps_versions()) once.
    """
    backend = cv_backend()
    if isinstance(backend, S3Storage):
        if versioned is None:
            versioned = s3_bucket_versioned(backend)
        return _delete_s3_objects(backend, keys, versioned=versioned)
    failed = set()
    for key in keys:
        try:
            backend.delete(key)  # FileSystemStorage ignores a missing file
        except OSError as error:
            logger.warning("Could not delete a CV file: %s", error.strerror)
            failed.add(key)
    return failed


def s3_bucket_versioned(backend: S3Storage) -> bool:
    """Whether the bucket keeps versions (enabled, or suspended with old ones kept)."""
    try:
        response = s3_client(backend).get_bucket_versioning(Bucket=backend.bucket_name)
    except (ClientError, BotoCoreError):
        return False
    return response.get("Status") in ("Enabled", "Suspended")


def s3_old_versions_expire(backend: S3Storage) -> bool:
    """Whether a lifecycle rule removes noncurrent versions."""
    client = s3_client(backend)
    try:
        rules = client.get_bucket_lifecycle_configuration(Bucket=backend.bucket_name)["Rules"]
    except (ClientError, BotoCoreError):  # no lifecycle configuration at all
        return False
    return any(
        rule.get("Status") == "Enabled" and "NoncurrentVersionExpiration" in rule for rule in rules
    )


def _delete_s3_objects(backend: S3Storage, keys: Sequence[str], *, versioned: bool) -> set[str]:
    """DeleteObjects, 1000 keys a request. In a versioned bucket a delete only hides the
    object behind a marker, so every version of each key is deleted instead."""
    client = s3_client(backend)
    by_object_key = {safe_join(backend.location, key): key for key in keys}
    objects = [{"Key": key} for key in by_object_key]
    if versioned:
        objects = [
            {"Key": version["Key"], "VersionId": version["VersionId"]}
            for key in by_object_key
            for page in client.get_paginator("list_object_versions").paginate(
                Bucket=backend.bucket_name, Prefix=key
            )
            for version in page.get("Versions", []) + page.get("DeleteMarkers", [])
            if version["Key"] == key
        ]
    failed = set()
    for start in range(0, len(objects), S3_DELETE_LIMIT):
        response = client.delete_objects(
            Bucket=backend.bucket_name,
            Delete={"Objects": objects[start : start + S3_DELETE_LIMIT], "Quiet": True},
        )
        for error in response.get("Errors", []):
            if error.get("Code") == "NoSuchKey":
                continue
            logger.warning("S3 refused to delete a CV file: %s", error.get("Code"))
            failed.add(by_object_key[error["Key"]])
    return failed


def list_cv_files() -> Iterator[tuple[str, datetime]]:
    """Every stored CV file as (key, last modified), listed in pages, not held in memory."""
    backend = cv_backend()
    if isinstance(backend, S3Storage):
        yield from _list_s3_objects(backend)
    elif backend.exists(CV_PREFIX):
        yield from _walk(backend, CV_PREFIX)


def _list_s3_objects(backend: S3Storage) -> Iterator[tuple[str, datetime]]:
    prefix = safe_join(backend.location, CV_PREFIX)
    strip = len(prefix) - len(CV_PREFIX)
    paginator = s3_client(backend).get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=backend.bucket_name, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"][strip:], item["LastModified"]


def _walk(backend: Storage, folder: str) -> Iterator[tuple[str, datetime]]:
    folders, files = backend.listdir(folder)
    for name in files:
        yield f"{folder}{name}", backend.get_modified_time(f"{folder}{name}")
    for name in folders:
        yield from _walk(backend, f"{folder}{name}/")
