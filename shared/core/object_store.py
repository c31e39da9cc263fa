"""Uploaded files in S3: presigned transfers, server-side verification, deletion of every version.

Integrations: S3 (presigned POST/GET are signed locally; GetObject with a byte range,
ListObjectVersions, DeleteObjects).
"""

from __future__ import annotations

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

    def download_url(self, key: str, expires_in: int) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url

    def inspect(self, key: str) -> StoredObject | None:
        """Size, stored content type and first bytes in one ranged GetObject; None if absent."""
        try:
            response = self._s3.get_object(Bucket=self._bucket, Key=key, Range=f"bytes=0-{SNIFF_BYTES - 1}")
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "InvalidRange"):
                return None
            raise
        head = response["Body"].read()
        content_range = response.get("ContentRange", "")
        size = int(content_range.rsplit("/", 1)[-1]) if "/" in content_range else int(response["ContentLength"])
        return StoredObject(size=size, content_type=response.get("ContentType", ""), head=head)

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

        Each round lists from the start of the prefix (at most 1,000 entries), deletes what it
        listed, and the rounds end with a listing that was not truncated: it showed everything
        left. No round resumes from a marker: the marker would name a version the previous round
        has just deleted, and where a listing resumes from a version that no longer exists is not
        something to rely on (moto matches it exactly, finds nothing, and the loop used to end
        with every version after the first 1,000 still stored). Calls: ceil(O/1000)
        ListObjectVersions (at least one) + ceil(O/1000) DeleteObjects for O versions.
        """
        count = DeletionCount()
        while True:
            response = self._s3.list_object_versions(Bucket=self._bucket, Prefix=prefix, MaxKeys=DELETE_OBJECTS_MAX)
            count.list_calls += 1
            targets = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in response.get("Versions", []) + response.get("DeleteMarkers", [])
            ]
            if targets:
                result = self._s3.delete_objects(Bucket=self._bucket, Delete={"Objects": targets, "Quiet": True})
                count.delete_calls += 1
                if result.get("Errors"):
                    raise RuntimeError("S3 refused to delete some object versions")
                count.deleted += len(targets)
            if not response.get("IsTruncated"):
                return count
            if not targets:  # a truncated listing with nothing in it: listing again would loop forever
                raise RuntimeError("S3 listed no object versions but said there were more")
