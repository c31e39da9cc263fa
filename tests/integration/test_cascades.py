"""Deleting an activity, a file or a lead removes every stored copy — read back from the stores."""

from __future__ import annotations

import math
from typing import Any

from shared.core.layout import LIMIT_PREFIX
from tests.support import (
    PDF_BYTES,
    TestUser,
    count_object_versions,
    enable_features,
    new_lead_body,
    put_object_versions,
    upload_file,
)

TOMBSTONE_ATTRIBUTES = {"pk", "sk", "kind", "item_id", "deleted_at", "changed_ms", "expires_at"}


def _items(local_stack: Any, user_id: str) -> list[dict[str, Any]]:
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ConsistentRead=True,
    )
    return [item for page in pages for item in page["Items"]]


def _partition(local_stack: Any, user_id: str) -> list[str]:
    """Sort keys of the user's items, tombstones left out (they hold ids and times only)."""
    return [item["sk"]["S"] for item in _items(local_stack, user_id) if not item["sk"]["S"].startswith("TOMB#")]


def _tombstones(local_stack: Any, user_id: str) -> list[dict[str, Any]]:
    found = [item for item in _items(local_stack, user_id) if item["sk"]["S"].startswith("TOMB#")]
    assert all(set(item) == TOMBSTONE_ATTRIBUTES for item in found)  # nothing of what was deleted
    return found


def _object_versions(local_stack: Any, prefix: str) -> int:
    listed = local_stack.client("s3").list_object_versions(Bucket=local_stack.bucket_names["uploads"], Prefix=prefix)
    return len(listed.get("Versions", [])) + len(listed.get("DeleteMarkers", []))


def _visit(user: TestUser, lead_id: str, minute: int) -> dict[str, Any]:
    body = {"lat": 19.07, "lng": 72.87, "accuracy_m": 5, "at": f"2026-05-05T10:{minute:02d}:00Z"}
    response = user.api.post(f"/v1/leads/{lead_id}/check-ins", json=body)
    assert response.status_code == 201
    return dict(response.json())


def _ready_file(user: TestUser, lead_id: str, local_stack: Any, versions: int = 1) -> str:
    body = {"filename": "invoice.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    announced = user.api.post(f"/v1/leads/{lead_id}/files", json=body).json()
    upload_file(announced["upload"], PDF_BYTES)
    assert user.api.post(f"/v1/files/{announced['file_id']}/complete").json()["status"] == "ready"
    for _ in range(versions - 1):  # re-posts of the still valid form after completion: more S3 versions
        upload_file(announced["upload"], PDF_BYTES)
    return str(announced["file_id"])


def test_deleting_an_activity_deletes_its_location(user: TestUser, local_stack: Any) -> None:
    enable_features(user, location_enabled=True)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    visit = _visit(user, lead["lead_id"], 1)
    keep = _visit(user, lead["lead_id"], 2)
    assert user.api.delete(f"/v1/activities/{visit['activity_id']}").status_code == 204
    items = local_stack.client("dynamodb").query(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user.user_id}"}, ":p": {"S": "ACT#"}},
    )["Items"]
    assert len(items) == 1
    assert items[0]["sk"]["S"].endswith(keep["activity_id"][26:])
    assert user.api.delete(f"/v1/activities/{visit['activity_id']}").status_code == 404


def test_deleting_a_lead_deletes_its_activities_locations_files_and_every_version(
    user: TestUser, local_stack: Any
) -> None:
    enable_features(user, location_enabled=True)
    doomed = user.api.post("/v1/leads", json=new_lead_body()).json()
    kept = user.api.post("/v1/leads", json=new_lead_body()).json()
    for minute in range(3):
        _visit(user, doomed["lead_id"], minute)
    _visit(user, kept["lead_id"], 0)
    _ready_file(user, doomed["lead_id"], local_stack, versions=3)
    _ready_file(user, kept["lead_id"], local_stack)
    assert _object_versions(local_stack, f"users/{user.user_id}/leads/{doomed['lead_id']}/") == 3

    assert user.api.delete(f"/v1/leads/{doomed['lead_id']}").status_code == 204

    remaining = _partition(local_stack, user.user_id)
    assert not [sk for sk in remaining if doomed["lead_id"] in sk]
    gone = {(t["kind"]["S"], t["item_id"]["S"][:26]) for t in _tombstones(local_stack, user.user_id)}
    assert gone == {("lead", doomed["lead_id"]), ("activity", doomed["lead_id"]), ("file", doomed["lead_id"])}
    assert len([sk for sk in remaining if kept["lead_id"] in sk]) == 3  # lead, check-in, file record
    assert _object_versions(local_stack, f"users/{user.user_id}/leads/{doomed['lead_id']}/") == 0
    assert _object_versions(local_stack, f"users/{user.user_id}/leads/{kept['lead_id']}/") == 1


# More versions than one ListObjectVersions page (1,000): the listing that follows a page of
# deletions must not start from a marker that names a version just deleted. The lead cascade and
# erasure use the same ObjectStore.delete_everything_under (erasure: tests/integration/test_erasure.py).
MANY_VERSIONS = 1_001


def test_deleting_a_file_deletes_every_version_beyond_the_first_1000(user: TestUser, local_stack: Any) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    file_id = _ready_file(user, lead["lead_id"], local_stack)
    put_object_versions(local_stack, f"users/{user.user_id}/leads/{lead['lead_id']}/{file_id[26:]}", MANY_VERSIONS)
    assert count_object_versions(local_stack, f"users/{user.user_id}/") == MANY_VERSIONS + 1

    assert user.api.delete(f"/v1/files/{file_id}").status_code == 204
    assert count_object_versions(local_stack, f"users/{user.user_id}/") == 0


def test_lead_delete_batches_its_work(user: TestUser, local_stack: Any, aws_calls: Any) -> None:
    """N activities and F files: ceil(2(N+F)/25) BatchWriteItem (each child and its tombstone) and
    ceil(F/1000) DeleteObjects."""
    enable_features(user, call_log_sync_enabled=True)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    n_activities, n_files = 60, 30
    calls = [
        {"number": lead["phone"], "direction": "incoming", "at": f"2026-05-06T10:{i // 60:02d}:{i % 60:02d}Z"}
        for i in range(n_activities)
    ]
    assert (
        user.api.post("/v1/device-logs/sync", json={"device_id": "install-batch1", "calls": calls}).json()["created"]
        == n_activities
    )
    s3 = local_stack.client("s3")
    for i in range(n_files):
        body = {"filename": f"f{i}.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
        file_id = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body).json()["file_id"]
        key = f"users/{user.user_id}/leads/{lead['lead_id']}/{file_id[26:]}"
        s3.put_object(Bucket=local_stack.bucket_names["uploads"], Key=key, Body=PDF_BYTES)

    aws_calls.reset()
    assert user.api.delete(f"/v1/leads/{lead['lead_id']}").status_code == 204
    assert aws_calls.count("BatchWriteItem") == math.ceil(2 * (n_activities + n_files) / 25)
    assert aws_calls.count("DeleteObjects") == math.ceil(n_files / 1000)
    assert aws_calls.count("ListObjectVersions") == 1
    assert aws_calls.count("Query") == 4  # keys of both kinds, before and after the lead goes
    assert aws_calls.count("TransactWriteItems") == 1  # the lead, its contact items and its tombstone
    assert aws_calls.count("GetItem") == 2  # the revocation check every authenticated call makes; the lead
    assert len(aws_calls.operations) == 8 + math.ceil(2 * (n_activities + n_files) / 25) + math.ceil(n_files / 1000)
    # What is left is the account's, not the lead's: preferences and per-user limit counters.
    left = [sk for sk in _partition(local_stack, user.user_id) if not sk.startswith(LIMIT_PREFIX)]
    assert left == ["PREFS"]
    assert len(_tombstones(local_stack, user.user_id)) == 1 + n_activities + n_files
