from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import SAMPLES, PrivacyNoticeFactory


class CvFiles:
    """The private CV folder of one test, to check what is stored and what is gone."""

    def __init__(self, root: Path):
        self.root = root

    def remaining(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file())

    def read(self, key: str) -> bytes:
        return (self.root / key).read_bytes()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def cv_files(settings, tmp_path) -> CvFiles:
    """Every test gets its own empty CV storage."""
    root = tmp_path / "cv-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "ats.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return CvFiles(root)


@pytest.fixture
def notice(db):
    return PrivacyNoticeFactory()


def sample_bytes(extension: str) -> bytes:
    return (SAMPLES / f"cv-astrid-lindqvist.{extension}").read_bytes()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def sample_upload():
    """An upload of a real sample CV: sample_upload("pdf"), or with another file name."""

    def make(extension: str = "pdf", *, name: str | None = None) -> SimpleUploadedFile:
        return upload(name or f"CV Astrid Lindqvist.{extension}", sample_bytes(extension))

    return make
