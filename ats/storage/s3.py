"""CVs in a private S3 bucket (django-storages' S3Storage), spoken to in as few
requests as S3 allows."""

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime
from weakref import WeakKeyDictionary

from botocore.client import BaseClient
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage
from storages.utils import safe_join

from .base import CvFiles, StorageUnavailable, failure_code

logger = logging.getLogger(__name__)

DELETE_LIMIT = 1000  # keys per DeleteObjects request, fixed by S3
PRESIGNED_URL_SECONDS = 60  # long enough to start a download, too short to pass around
# What S3 answers a conditional PUT whose key exists (or is being written).
KEY_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict")

_clients: WeakKeyDictionary = WeakKeyDictionary()


def s3_client(backend: S3Storage) -> BaseClient:
    """The backend's S3 client, one for every thread. django-storages gives each thread
    a boto3 session of its own, for its resources are not thread-safe; clients are, and
    a new session spends a fraction of a second loading service models: the purge's
    file thread uses the client made already."""
    client = _clients.get(backend)
    if client is None:
        client = _clients[backend] = backend.connection.meta.client
    return client


class S3Files(CvFiles):
    backend: S3Storage

    @property
    def client(self) -> BaseClient:
        return s3_client(self.backend)

    def _object_key(self, key: str) -> str:
        return safe_join(self.backend.location, key)

    def list_files(self, prefix: str, *, after: str = "") -> Iterator[tuple[str, datetime]]:
        # A listing, never exists(): S3 has no folders, and a HEAD on "ledger/" is a 404.
        object_prefix = self._object_key(prefix)
        strip = len(object_prefix) - len(prefix)
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.backend.bucket_name,
            Prefix=object_prefix,
            **({"StartAfter": self._object_key(after)} if after else {}),
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"][strip:], item["LastModified"]

    def keeps_versions(self) -> bool:
        """Enabled, or suspended with old versions kept."""
        try:
            response = self.client.get_bucket_versioning(Bucket=self.backend.bucket_name)
        except (ClientError, BotoCoreError) as error:
            raise StorageUnavailable("The bucket's versioning state is unknown") from error
        return response.get("Status") in ("Enabled", "Suspended")

    def public_exposures(self) -> list[str]:
        problems = []
        if self.backend.custom_domain:
            problems.append("custom_domain serves objects without a signature")
        if not self.backend.querystring_auth:
            problems.append("querystring_auth=False makes CV links unsigned")
        if self.backend.default_acl in ("public-read", "public-read-write"):
            problems.append(f"default_acl={self.backend.default_acl!r} makes every CV public")
        return problems

    def region(self) -> str | None:
        return self.backend.region_name

    def describe(self) -> dict:
        return {
            "kind": "S3 bucket",
            "name": self.backend.bucket_name,
            "region": self.backend.region_name,
            "endpoint": self.backend.endpoint_url or "AWS",
            "encryption": self.backend.object_parameters.get("ServerSideEncryption", "none"),
        }

    def old_versions_expire(self) -> bool:
        """Whether a lifecycle rule removes noncurrent versions."""
        try:
            rules = self.client.get_bucket_lifecycle_configuration(Bucket=self.backend.bucket_name)[
                "Rules"
            ]
        except (ClientError, BotoCoreError):  # no lifecycle configuration at all
            return False
        return any(
            rule.get("Status") == "Enabled" and "NoncurrentVersionExpiration" in rule
            for rule in rules
        )

    def _versions(self, object_key: str, *, markers: bool = True) -> list[dict]:
        """Every version of exactly `object_key`, and its delete markers if `markers`."""
        kinds = ("Versions", "DeleteMarkers") if markers else ("Versions",)
        return [
            {"Key": version["Key"], "VersionId": version["VersionId"]}
            for page in self.client.get_paginator("list_object_versions").paginate(
                Bucket=self.backend.bucket_name, Prefix=object_key
            )
            for kind in kinds
            for version in page.get(kind, [])
            if version["Key"] == object_key
        ]

    def delete_many(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        """DeleteObjects, 1000 keys a request. In a versioned bucket a delete only hides
        the object behind a marker, so every version of each key is deleted instead."""
        by_object_key = {self._object_key(key): key for key in keys}
        if versioned:
            objects = [v for object_key in by_object_key for v in self._versions(object_key)]
        else:
            objects = [{"Key": object_key} for object_key in by_object_key]
        failed = set()
        for start in range(0, len(objects), DELETE_LIMIT):
            response = self.client.delete_objects(
                Bucket=self.backend.bucket_name,
                Delete={"Objects": objects[start : start + DELETE_LIMIT], "Quiet": True},
            )
            for error in response.get("Errors", []):
                if error.get("Code") == "NoSuchKey":
                    continue
                logger.warning("S3 refused to delete a CV file: %s", error.get("Code"))
                failed.add(by_object_key[error["Key"]])
        return failed

    def drop_unfinished_uploads(
        self, prefix: str, *, started_before: datetime, dry_run: bool = False
    ) -> int:
        """A multipart upload's parts (boto3 sends a file over 8 MB so) stay until
        completed or aborted: one killed midway, with a CV's first megabytes. What S3
        refuses (a policy without s3:ListBucketMultipartUploads or s3:AbortMultipartUpload)
        is logged, and the sweep's other work stands."""
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.backend.bucket_name, Prefix=self._object_key(prefix)
            )
            unfinished = [
                upload
                for page in pages
                for upload in page.get("Uploads", [])
                if upload["Initiated"] < started_before
            ]
        except (ClientError, BotoCoreError) as error:
            logger.warning("S3 did not list the unfinished uploads: %s", failure_code(error))
            return 0
        if dry_run:
            return len(unfinished)
        dropped = 0
        for upload in unfinished:
            try:
                self.client.abort_multipart_upload(
                    Bucket=self.backend.bucket_name, Key=upload["Key"], UploadId=upload["UploadId"]
                )
            except (ClientError, BotoCoreError) as error:
                if failure_code(error) != "NoSuchUpload":  # else another sweep dropped it
                    logger.warning("S3 kept an unfinished upload: %s", failure_code(error))
                    continue
            dropped += 1
        return dropped

    def create_exclusively(self, key: str, body: bytes) -> bool:
        object_key = self._object_key(key)
        try:
            self.client.put_object(
                Bucket=self.backend.bucket_name,
                Key=object_key,
                Body=body,
                IfNoneMatch="*",
                **self.backend.object_parameters,
            )
        except ClientError as error:
            if failure_code(error) not in KEY_TAKEN:
                raise
            # Taken, perhaps by this very write: its reply was lost and the client's
            # retry found the object. The same bytes there are this write, done.
            return self._read(object_key) == body
        return True

    def _read(self, object_key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.backend.bucket_name, Key=object_key)
        except ClientError as error:
            if failure_code(error) in ("NoSuchKey", "404"):
                return None
            raise
        return response["Body"].read()

    def still_stored(self, keys: Sequence[str], *, versioned: bool) -> set[str]:
        if versioned:
            return {key for key in keys if self._versions(self._object_key(key), markers=False)}
        return {key for key in keys if self.backend.exists(key)}

    def signed_download_url(self, key: str, *, filename: str, content_type: str) -> str:
        return self.backend.url(
            key,
            parameters={
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseContentType": content_type,
                "ResponseCacheControl": "no-store",
            },
            expire=PRESIGNED_URL_SECONDS,
        )
