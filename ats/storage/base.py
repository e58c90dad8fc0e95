"""What differs between the storages a CV can live in, behind one interface.

Saving, opening and deleting one file go through Django's Storage API, which every
backend has. Listing, deleting many files at once, exclusive writes, signed links and
versions differ: each backend has a strategy here, chosen once for it (ats.storage.files).
"""

from collections.abc import Iterator, Sequence
from datetime import datetime

from django.core.files.storage import Storage


def failure_code(error: BaseException) -> str:
    """What a storage said when it failed: S3's error code for a refusal, else the kind
    of failure. Never a key, never a message."""
    answer = getattr(error, "response", None)
    return (isinstance(answer, dict) and answer.get("Error", {}).get("Code")) or type(
        error
    ).__name__


class StorageUnavailable(Exception):
    """The CV storage could not do what was asked, or say what state it is in."""


class CvFiles:
    """The operations whose request pattern depends on the storage."""

    def __init__(self, backend: Storage):
        self.backend = backend

    def list_files(self, prefix: str, *, after: str = "") -> Iterator[tuple[str, datetime]]:
        """Every file under `prefix` as (key, last modified), in key order, in pages;
        only the keys that sort after `after`, if given."""
        raise NotImplementedError

    def keeps_versions(self) -> bool:
        """Whether a deleted file leaves older versions behind. Raises
        StorageUnavailable when the storage cannot say: never guess "no"."""
        raise NotImplementedError

    def delete_many(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        """Delete the files, every version of them if `versioned`; return the keys that
        could not be deleted. A key that is already gone counts as deleted."""
        raise NotImplementedError

    def drop_unfinished_uploads(
        self, prefix: str, *, started_before: datetime, dry_run: bool = False
    ) -> int:
        """Drop what uploads under `prefix`, begun before `started_before`, left and never
        finished (a process killed while sending): kept apart, in no listing of the
        files. How many; with `dry_run`, only counted. A folder keeps none."""
        return 0

    def create_exclusively(self, key: str, body: bytes) -> bool:
        """Write a new file in one request; False, writing nothing, if the key is taken."""
        raise NotImplementedError

    def still_stored(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        """The keys of which anything is left: the file, or any version of it."""
        raise NotImplementedError

    def public_exposures(self) -> list[str]:
        """What in the configuration would serve CVs without the access-checked views."""
        raise NotImplementedError

    def region(self) -> str | None:
        """Where the files are kept, as a cloud region; None for this server."""
        return None

    def old_versions_expire(self) -> bool:
        """Whether the storage itself removes the older versions it keeps."""
        return True

    def describe(self) -> dict:
        """Where CVs are kept, for the record of processing."""
        raise NotImplementedError

    def signed_download_url(self, key: str, *, filename: str, content_type: str) -> str | None:
        """A short-lived link that downloads the file, or None when the storage cannot
        sign links: then the view streams the file itself."""
        return None
