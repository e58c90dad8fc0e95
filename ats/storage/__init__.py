"""Private CV storage: every CV is saved, listed and deleted through this module.

CVs live in their own STORAGES alias (ATS_CV_STORAGE) under random keys with the
prefix `cv/`; the candidate's file name never reaches a storage path. What differs
between a folder and S3 is in a strategy per backend (folder.py, s3.py), chosen once
for the configured backend; callers never ask which it is.
"""

import contextlib
import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from uuid import uuid4
from weakref import WeakKeyDictionary

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from ..app_settings import app_settings
from .base import CvFiles, StorageUnavailable, failure_code
from .folder import FolderFiles, PrivateFileSystemStorage

__all__ = ["CvFiles", "PrivateFileSystemStorage", "StorageUnavailable", "failure_code"]

logger = logging.getLogger(__name__)

CV_PREFIX = "cv/"
DELETE_BATCH = 1000  # keys a caller hands over at once: one S3 DeleteObjects request
# What a storage can fail with: a folder's OS errors, S3's client errors.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, StorageUnavailable)
with contextlib.suppress(ImportError):
    from botocore.exceptions import BotoCoreError, ClientError

    STORAGE_ERRORS += (BotoCoreError, ClientError)


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


_strategies: WeakKeyDictionary = WeakKeyDictionary()


def files() -> CvFiles:
    """The strategy for the configured CV backend, made once per backend."""
    backend = cv_backend()
    strategy = _strategies.get(backend)
    if strategy is None:
        strategy = _strategies[backend] = _strategy_for(backend)
    return strategy


def _strategy_for(backend: Storage) -> CvFiles:
    with contextlib.suppress(ImportError):  # S3 is optional: boto3 and django-storages
        from storages.backends.s3 import S3Storage

        from .s3 import S3Files

        if isinstance(backend, S3Storage):
            return S3Files(backend)
    if isinstance(backend, FileSystemStorage):
        return FolderFiles(backend)
    raise TypeError(f"ats cannot keep CVs in a {type(backend).__name__}: use a folder or S3")


def save_cv(content: File, *, extension: str) -> str:
    """Store a validated CV under a new random key and return the key."""
    key = f"{CV_PREFIX}{uuid4().hex}{extension}"
    try:
        return cv_storage.save(key, content)
    except STORAGE_ERRORS as error:
        logger.error("The CV storage refused a file: %s", type(error).__name__)
        # A folder can keep a partly written file, S3 a file whose answer was lost:
        # every version of it goes; if even this fails, the sweep deletes it.
        delete_cv_files([key])
        raise StorageUnavailable from error


def read(key: str) -> bytes:
    with cv_storage.open(key, "rb") as handle:
        return handle.read()


def list_files(prefix: str, *, after: str = "") -> Iterator[tuple[str, datetime]]:
    """Every stored file under `prefix` (CVs: CV_PREFIX) as (key, last modified), in key
    order, listed in pages, not held in memory; only keys after `after`, if given."""
    return files().list_files(prefix, after=after)


def list_cv_files() -> Iterator[tuple[str, datetime]]:
    return list_files(CV_PREFIX)


def drop_unfinished_cv_uploads(*, started_before: datetime, dry_run: bool = False) -> int:
    """What CV uploads begun before `started_before` left unfinished, dropped."""
    return files().drop_unfinished_uploads(
        CV_PREFIX, started_before=started_before, dry_run=dry_run
    )


def create_exclusively(key: str, body: bytes) -> bool:
    """Write a new file in one request; False, writing nothing, if the key is taken by
    another write (S3's conditional write, or an exclusive create in a folder)."""
    return files().create_exclusively(key, body)


def delete_cv_files(keys: Sequence[str]) -> set[str]:
    """Delete many CV files in as few requests as the backend allows, every version of
    them where the storage keeps versions.

    Returns the keys that could not be deleted; a key that is already gone counts as
    deleted. On S3 that is one DeleteObjects request per 1000 keys, never one per file.
    When the storage cannot say whether it keeps versions, nothing is deleted: every
    key failed, never deleted "as if unversioned", which would leave every version.
    """
    strategy = files()
    try:
        return strategy.delete_many(keys, versioned=strategy.keeps_versions())
    except STORAGE_ERRORS as error:
        logger.warning("The CV storage deleted nothing: %s", type(error).__name__)
        return set(keys)


def still_stored(keys: Sequence[str]) -> set[str]:
    """The keys of which the storage still holds anything, older versions included."""
    strategy = files()
    return strategy.still_stored(keys, versioned=strategy.keeps_versions())


def signed_download_url(key: str, *, filename: str, content_type: str) -> str | None:
    """A short-lived link that downloads the CV as an attachment, or None when the
    backend cannot sign links (a folder): then the view streams the file itself."""
    return files().signed_download_url(key, filename=filename, content_type=content_type)
