"""An offline device catches up: ``GET /v1/sync`` returns what changed since its checkpoint —
created, updated and deleted, by kind — and a deletion leaves a tombstone (ids and times only)
that every other device learns of."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.sync.changes import epoch_ms
from shared.sync.logic import Checkpoint
from tests.support import PDF_BYTES, TestUser, enable_features, new_lead_body, upload_file


def pull_all(user: TestUser, since: str | None = None, limit: int = 500) -> tuple[dict[str, Any], str, int]:
    """Every page of one pull, merged: (changes by kind, the checkpoint to keep, pages)."""
    merged: dict[str, dict[str, list[Any]]] = {}
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"since": since} if since else {})
        response = user.api.get("/v1/sync", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        for kind, changes in page["changes"].items():
            for bucket, records in changes.items():
                merged.setdefault(kind, {}).setdefault(bucket, []).extend(records)
        since = page["checkpoint"]
        if not page["has_more"]:
            return merged, since, pages


def ids(changes: dict[str, Any], kind: str, bucket: str, key: str) -> set[str]:
    return {record[key] for record in changes.get(kind, {}).get(bucket, [])}


def test_a_first_sync_pages_through_the_whole_account(user: TestUser) -> None:
    enable_features(user, location_enabled=True)
    leads = [user.api.post("/v1/leads", json=new_lead_body()).json() for _ in range(3)]
    visit = {"lat": 12.97, "lng": 77.59, "accuracy_m": 5, "at": "2026-05-01T10:00:00Z"}
    check_in = user.api.post(f"/v1/leads/{leads[0]['lead_id']}/check-ins", json=visit).json()
    device = {"device_id": "install-sync-1", "platform": "ios", "os_version": "17", "app_version": "1"}
    user.api.post("/v1/devices", json=device)
    form = user.api.post(
        f"/v1/leads/{leads[1]['lead_id']}/files",
        json={"filename": "q.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)},
    ).json()
    upload_file(form["upload"], PDF_BYTES)

    changes, _, pages = pull_all(user, limit=2)
    assert pages >= 4  # 3 leads, 1 activity, 1 file, 1 device, preferences: 7 changes, 2 a page
    assert ids(changes, "leads", "created", "lead_id") == {lead["lead_id"] for lead in leads}
    activity = changes["activities"]["created"][0]
    assert (activity["activity_id"], activity["location"]["lat"]) == (check_in["activity_id"], 12.97)
    assert ids(changes, "files", "created", "file_id") == {form["file_id"]}
    assert ids(changes, "devices", "created", "device_id") == {"install-sync-1"}
    assert changes["preferences"]["created"][0]["location_enabled"] is True
    assert all(not bucket.get("deleted") for bucket in changes.values())


def test_changes_since_a_checkpoint_include_updates_and_tombstones(user: TestUser) -> None:
    kept = user.api.post("/v1/leads", json=new_lead_body()).json()
    doomed = user.api.post("/v1/leads", json=new_lead_body()).json()
    note = user.api.post(
        f"/v1/leads/{doomed['lead_id']}/activities", json={"type": "note", "at": "2026-05-01T10:00:00Z"}
    ).json()
    _, checkpoint, _ = pull_all(user)

    user.api.patch(f"/v1/leads/{kept['lead_id']}", json={"company": "Renamed Ltd"})
    assert user.api.delete(f"/v1/leads/{doomed['lead_id']}").status_code == 204
    changes, _, _ = pull_all(user, checkpoint)

    updated = {lead["lead_id"]: lead for lead in changes["leads"]["updated"] + changes["leads"]["created"]}
    assert (updated[kept["lead_id"]]["company"], updated[kept["lead_id"]]["version"]) == ("Renamed Ltd", 2)
    tombstones = {(t["kind"], t["id"]) for kind in ("leads", "activities") for t in changes[kind]["deleted"]}
    assert {("lead", doomed["lead_id"]), ("activity", note["activity_id"])} <= tombstones
    for tombstone in changes["leads"]["deleted"]:
        assert set(tombstone) == {"kind", "id", "deleted_at"}  # ids and times only


def test_a_forgotten_device_and_a_deleted_file_leave_tombstones(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    device = {"device_id": "install-sync-2", "platform": "android", "os_version": "14", "app_version": "1"}
    user.api.post("/v1/devices", json=device)
    form = user.api.post(
        f"/v1/leads/{lead['lead_id']}/files",
        json={"filename": "q.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)},
    ).json()
    _, checkpoint, _ = pull_all(user)
    user.api.delete("/v1/devices/install-sync-2")
    user.api.delete(f"/v1/files/{form['file_id']}")
    changes, _, _ = pull_all(user, checkpoint)
    assert ids(changes, "devices", "deleted", "id") == {"install-sync-2"}
    assert ids(changes, "files", "deleted", "id") == {form["file_id"]}


def test_a_checkpoint_older_than_the_tombstones_gets_410(user: TestUser) -> None:
    old = Checkpoint(after_ms=epoch_ms(datetime.now(UTC) - timedelta(days=31))).encode()
    expired = user.api.get("/v1/sync", params={"since": old})
    assert (expired.status_code, expired.json()["error"]["code"]) == (410, "checkpoint_expired")
    recent = Checkpoint(after_ms=epoch_ms(datetime.now(UTC) - timedelta(days=29))).encode()
    assert user.api.get("/v1/sync", params={"since": recent}).status_code == 200


@pytest.mark.parametrize(
    "since",
    [
        "not-a-checkpoint",
        Checkpoint(after_ms=1).encode()[:-3],
        "czE6" + "eyJ4IjogMX0",  # s1: + {"x": 1}
        "czE6" + json.dumps({"a": -1}).encode().hex(),
    ],
)
def test_a_malformed_checkpoint_is_a_clear_400(user: TestUser, since: str) -> None:
    response = user.api.get("/v1/sync", params={"since": since})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_cursor")


def test_another_users_changes_never_appear(user: TestUser, make_user) -> None:  # type: ignore[no-untyped-def]
    other = make_user()
    theirs = other.api.post("/v1/leads", json=new_lead_body()).json()
    other.api.delete(f"/v1/leads/{theirs['lead_id']}")
    mine = user.api.post("/v1/leads", json=new_lead_body()).json()
    changes, _, _ = pull_all(user)
    assert ids(changes, "leads", "created", "lead_id") == {mine["lead_id"]}
