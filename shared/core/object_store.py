"""Uploaded files in S3: presigned transfers, server-side verification, deletion of every version.

A file is one object *version*: the one that was verified. An upload form stays valid for minutes
and S3 accepts it again after verification, so the key's current version is not the file —
downloads name the verified version (``download_url(..., version_id=...)``) and every other
version of the key is deleted (``delete_other_versions``).

Integrations: S3 (presigned POST/GET are signed locally; GetObject with a byte range,
ListObjectVersions, DeleteObjects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError

DELETE_OBJECTS_MAX = 1000
SNIFF_BYTES = 64


@dataclass
class StoredObject:
    size: int
    content_type: str
    head: bytes  # the first bytes, enough to recognise the format
    version_id: str | None  # the version these were read from (None only in an unversioned bucket)


@dataclass
class DeletionCount:
    list_calls: int = 0
    delete_calls: int = 0
    deleted: int = 0


class ObjectDeleter(Protocol):
    """What the lead delete cascade needs of the object store (a fake stands in for it in unit tests)."""

    def delete_everything_under(self, prefix: str) -> DeletionCount: ...


class ObjectStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self._bucket = bucket

    def upload_form(self, key: str, content_type: str, size: int, expires_in: int) -> dict[str, Any]:
        """A presigned POST that S3 accepts only for this key, type and exact size."""
        result: dict[str, Any] = self._s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", size, size]],
            ExpiresIn=expires_in,
        )
        return result

    def download_url(self, key: str, expires_in: int, version_id: str | None = None) -> str:
        """A presigned GET of ``version_id`` of the key (the signature covers it: another
        version, or the current one, cannot be asked for with this link); without a version, the
        current one."""
        params = {"Bucket": self._bucket, "Key": key}
        if version_id is not None:
            params["VersionId"] = version_id
        url: str = self._s3.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)
        return url

    def inspect(self, key: str) -> StoredObject | None:
        """Size, stored content type, first bytes and version id of the current version, in one
        ranged GetObject; None if absent."""
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "InvalidRange"):
                return None
            raise
        head = response["Body"].read()
        content_range = response.get("ContentRange", "")
        size = int(content_range.rsplit("/", 1)[-1]) if "/" in content_range else int(response["ContentLength"])
        return StoredObject(
            size=size, content_type=response.get("ContentType", ""), head=head, version_id=response.get("VersionId")
        )

    def holds_anything_under(self, prefix: str) -> bool:
        """Whether any object version or delete marker is stored under ``prefix`` (one
        ListObjectVersions of at most one entry)."""
        response = self._s3.list_object_versions(Bucket=self._bucket, Prefix=prefix, MaxKeys=1)
        return bool(response.get("Versions") or response.get("DeleteMarkers"))

    def count_everything_under(self, prefix: str) -> int:
        """Object versions and delete markers under ``prefix`` (ListObjectVersions pages)."""
        total = 0
        params: dict[str, Any] = {"Bucket": self._bucket, "Prefix": prefix, "MaxKeys": DELETE_OBJECTS_MAX}
        while True:
            response = self._s3.list_object_versions(**params)
            total += len(response.get("Versions", [])) + len(response.get("DeleteMarkers", []))
            if not response.get("IsTruncated"):
                return total
            params["KeyMarker"] = response["NextKeyMarker"]
            params["VersionIdMarker"] = response["NextVersionIdMarker"]

    def delete_everything_under(self, prefix: str) -> DeletionCount:
        """Every version and delete marker under ``prefix``: nothing deleted outlives this call.

        Calls: ceil(O/1000) ListObjectVersions (at least one) + ceil(O/1000) DeleteObjects for
        O versions (see ``_delete_in_rounds``).
        """
        return self._delete_in_rounds(prefix, lambda entry: True)

    def delete_other_versions(self, key: str, version_id: str) -> DeletionCount:
        """Every version and delete marker of ``key`` except ``version_id``, which stays (and is
        current again if something newer was deleted). Calls: 1 ListObjectVersions, and one
        DeleteObjects when there is anything else (per 1,000)."""
        return self._delete_in_rounds(key, lambda entry: entry["Key"] == key and entry["VersionId"] != version_id)

    def _delete_in_rounds(self, prefix: str, doomed: Callable[[dict[str, Any]], bool]) -> DeletionCount:
        """Each round lists from the start of the prefix (at most 1,000 entries), deletes what it
        listed and ``doomed`` selects, and the rounds end with a listing that was not truncated:
        it showed everything left. No round resumes from a marker: the marker would name a
        version the previous round has just deleted, and where a listing resumes from a version
        that no longer exists is not something to rely on (moto matches it exactly, finds
        nothing, and the loop used to end with every version after the first 1,000 still stored).
        """
        count = DeletionCount()
        while True:
            response = self._s3.list_object_versions(Bucket=self._bucket, Prefix=prefix, MaxKeys=DELETE_OBJECTS_MAX)
            count.list_calls += 1
            targets = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in response.get("Versions", []) + response.get("DeleteMarkers", [])
                if doomed(v)
            ]
            if targets:
                result = self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": targets, "Quiet": True})
                count.delete_calls += 1
                if result.get("Errors"):
                    raise RuntimeError("S3 refused to delete some object versions")
                count.deleted += len(targets)
            if not response.get("IsTruncated"):
                return count
            if not targets:  # a full page with nothing to delete: listing again would loop forever
                raise RuntimeError("S3 listed a full page of object versions with none to delete")
