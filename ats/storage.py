"""Private CV storage: every CV is saved, read and deleted through this module.

CVs live in their own STORAGES alias (ATS_CV_STORAGE) under random keys with the
prefix `cv/`; the candidate's file name never reaches a storage path.
"""

from uuid import uuid4

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from .app_settings import app_settings

CV_PREFIX = "cv/"


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder that no URL serves: a CV leaves only through an access-checked view."""

    def url(self, name):
        raise ValueError("CVs have no public URL; serve them through the access-checked view.")


class CvStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[app_settings.CV_STORAGE]


cv_storage = CvStorage()


def get_cv_storage() -> CvStorage:
    """FileField's storage callable: keeps the backend out of migrations."""
    return cv_storage


@receiver(setting_changed)
def forget_cv_storage(*, setting: str, **kwargs) -> None:
    """Follow overridden STORAGES in tests, as Django does for default_storage."""
    if setting in ("STORAGES", "ATS_CV_STORAGE"):
        cv_storage._wrapped = empty


def save_cv(content: File, *, extension: str) -> str:
    """Store a validated CV under a new random key and return the key."""
    return cv_storage.save(f"{CV_PREFIX}{uuid4().hex}{extension}", content)


def delete_cv(key: str) -> None:
    cv_storage.delete(key)
