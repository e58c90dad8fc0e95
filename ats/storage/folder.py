"""CVs in a private folder (FileSystemStorage) that no URL serves."""

import logging
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages

from .base import CvFiles

logger = logging.getLogger(__name__)


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder that no URL serves, and no other account of the machine reads: a CV
    leaves only through an access-checked view."""

    def __init__(
        self,
        location=None,
        base_url=None,
        file_permissions_mode: int = 0o600,
        directory_permissions_mode: int = 0o700,
        **options,
    ):
        super().__init__(
            location,
            base_url,
            file_permissions_mode=file_permissions_mode,
            directory_permissions_mode=directory_permissions_mode,
            **options,
        )

    def url(self, name):
        raise ValueError("CVs have no public URL; serve them through the access-checked view.")


class FolderFiles(CvFiles):
    backend: FileSystemStorage

    def list_files(self, prefix: str, *, after: str = "") -> Iterator[tuple[str, datetime]]:
        root = Path(self.backend.location)
        folder = root / prefix
        if not folder.is_dir():  # nothing stored under it yet
            return
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            key = path.relative_to(root).as_posix()
            if key > after:
                yield key, self.backend.get_modified_time(key)

    def keeps_versions(self) -> bool:
        return False

    def public_exposures(self) -> list[str]:
        location = Path(self.backend.location).resolve()
        return [
            f"its folder {location} is under {served}, which is served"
            for served in served_folders()
            if location == served or served in location.parents
        ]

    def describe(self) -> dict:
        return {
            "kind": "private folder",
            "name": str(self.backend.location),
            "region": "this server",
        }

    def delete_many(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        failed = set()
        for key in keys:
            try:
                self.backend.delete(key)  # FileSystemStorage ignores a missing file
            except OSError as error:
                logger.warning("Could not delete a CV file: %s", error.strerror)
                failed.add(key)
        return failed

    def create_exclusively(self, key: str, body: bytes) -> bool:
        """With the modes the folder gives the files it saves."""
        path = Path(self.backend.path(key))
        _make_folders(path.parent, mode=self.backend.directory_permissions_mode)
        try:
            created = os.open(
                path,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                self.backend.file_permissions_mode or 0o666,
            )
        except FileExistsError:
            return False
        with open(created, "wb") as handle:
            handle.write(body)
        return True

    def still_stored(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        return {key for key in keys if self.backend.exists(key)}


def _make_folders(path: Path, *, mode: int | None) -> None:
    """Each folder made given `mode` (makedirs gives it to the last only), without
    setting the umask: it is the whole process's, the purge's file thread's too."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    path.mkdir(parents=True, exist_ok=True)
    if mode is not None:
        for folder in missing:
            folder.chmod(mode)


def served_folders() -> list[Path]:
    """The folders a URL serves: MEDIA_ROOT and STATIC_ROOT where they are set, the
    static files' folders, and the default storage's folder where one is configured.
    An empty setting serves nothing (and would otherwise mean the current folder)."""
    folders = [settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS]
    if isinstance(storages["default"], FileSystemStorage):
        folders.append(settings.STORAGES["default"].get("OPTIONS", {}).get("location"))
    return [Path(folder).resolve() for folder in folders if folder]
