"""Field work over real HTTP: call/SMS logs, check-ins, files, preferences, devices, export."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from tests.support import (
    PDF_BYTES,
    PNG_BYTES,
    TestUser,
    enable_features,
    new_lead_body,
    unique_phone,
    upload_file,
)

pytestmark = pytest.mark.e2e


def _code(response: requests.Response) -> str:
    return str(response.json()["error"]["code"])


def _all_table_items(local_stack: Any) -> str:
    """Every item of the table as text: test code may scan; request code never does."""
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=local_stack.table_name)
    return json.dumps([item for page in pages for item in page["Items"]], default=str)


# --- call and SMS logs -------------------------------------------------------------------------


def test_log_sync_creates_activities_only_for_leads_and_keeps_nothing_else(
    user: TestUser, local_stack: Any, canary: Any
) -> None:
    enable_features(user, call_log_sync_enabled=True, sms_sync_enabled=True, default_region="IN")
    lead_a = user.api.post("/v1/leads", json=new_lead_body()).json()
    lead_b = user.api.post("/v1/leads", json=new_lead_body()).json()
    stranger = canary(unique_phone(), "non-lead number")
    stranger_national = "0" + stranger.removeprefix("+91")
    secret_sms = canary("Canary SMS to a stranger 7f1", "non-lead sms body")
    national_a = "0" + lead_a["phone"].removeprefix("+91")  # the phone book's own format
    body = {
        "device_id": "install-abc123",
        "calls": [
            {"number": national_a, "direction": "outgoing", "at": "2026-05-01T09:00:00Z", "duration_s": 120},
            {"number": lead_b["phone"], "direction": "missed", "at": "2026-05-01T09:05:00Z"},
            {"number": stranger_national, "direction": "incoming", "at": "2026-05-01T09:10:00Z", "duration_s": 30},
        ],
        "sms": [
            {
                "number": lead_b["phone"],
                "direction": "incoming",
                "at": "2026-05-01T09:20:00Z",
                "body": "Send the quote",
            },
            {"number": stranger, "direction": "outgoing", "at": "2026-05-01T09:30:00Z", "body": secret_sms},
            {"number": "not a number", "direction": "incoming", "at": "2026-05-01T09:40:00Z"},
        ],
    }
    first = user.api.post("/v1/device-logs/sync", json=body)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 3, "duplicates": 0, "ignored": 3}

    a_items = user.api.get(f"/v1/leads/{lead_a['lead_id']}/activities").json()["items"]
    b_items = user.api.get(f"/v1/leads/{lead_b['lead_id']}/activities").json()["items"]
    assert [(i["type"], i["direction"], i["duration_s"], i["source"]) for i in a_items] == [
        ("call", "outgoing", 120, "call_log")
    ]
    assert [(i["type"], i["source"]) for i in b_items] == [("sms", "sms_log"), ("call", "call_log")]  # newest first
    assert b_items[0]["body"] == "Send the quote"

    again = user.api.post("/v1/device-logs/sync", json=body)
    assert again.json() == {"created": 0, "duplicates": 3, "ignored": 3}
    assert len(user.api.get(f"/v1/leads/{lead_b['lead_id']}/activities").json()["items"]) == 2

    stored = _all_table_items(local_stack)
    for value in (stranger, stranger.removeprefix("+"), stranger_national, secret_sms):
        assert value not in stored
    # and the log-canary plugin checks every captured log line of this test for them


def test_log_sync_is_refused_and_stores_nothing_while_switched_off(user: TestUser, local_stack: Any) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    call = {"number": lead["phone"], "direction": "incoming", "at": "2026-05-02T09:00:00Z", "duration_s": 3}
    sms = {"number": lead["phone"], "direction": "incoming", "at": "2026-05-02T09:00:00Z", "body": "hello"}
    refused = user.api.post("/v1/device-logs/sync", json={"device_id": "install-abc123", "calls": [call]})
    assert (refused.status_code, _code(refused)) == (409, "call_log_sync_disabled")
    enable_features(user, call_log_sync_enabled=True)
    refused = user.api.post("/v1/device-logs/sync", json={"device_id": "install-abc123", "calls": [call], "sms": [sms]})
    assert (refused.status_code, _code(refused)) == (409, "sms_sync_disabled")
    assert user.api.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"] == []


def test_log_sync_batches_are_bounded(user: TestUser) -> None:
    entry = {"number": "+919876500000", "direction": "incoming", "at": "2026-05-02T09:00:00Z"}
    response = user.api.post("/v1/device-logs/sync", json={"device_id": "install-abc123", "calls": [entry] * 501})
    assert response.status_code == 422


# --- check-ins ---------------------------------------------------------------------------------


def test_check_in_needs_location_switched_on_and_carries_the_location(
    user: TestUser, local_stack: Any, canary: Any
) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    lat, lng = 12.9716123, 77.5946456
    canary(str(lat), "latitude")
    canary(str(lng), "longitude")
    visit = {"lat": lat, "lng": lng, "accuracy_m": 12.5, "at": "2026-05-03T11:00:00+05:30", "note": "Met owner"}
    refused = user.api.post(f"/v1/leads/{lead['lead_id']}/check-ins", json=visit)
    assert (refused.status_code, _code(refused)) == (409, "location_disabled")
    assert str(lat) not in _all_table_items(local_stack)

    enable_features(user, location_enabled=True)
    created = user.api.post(f"/v1/leads/{lead['lead_id']}/check-ins", json=visit)
    assert created.status_code == 201
    assert created.json()["location"] == {"lat": lat, "lng": lng, "accuracy_m": 12.5}
    listed = user.api.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"]
    assert [(i["type"], i["location"]["lat"]) for i in listed] == [("check_in", lat)]


@pytest.mark.parametrize(
    "bad",
    [
        {"lat": 91},
        {"lng": -181},
        {"accuracy_m": -1},
        {"lat": "NaN"},
        {"lng": "Infinity"},
        {"at": "2026-05-03T11:00:00"},
    ],
    ids=["lat>90", "lng<-180", "accuracy<0", "lat NaN", "lng inf", "naive time"],
)
def test_check_in_coordinates_are_validated(user: TestUser, bad: dict[str, Any]) -> None:
    enable_features(user, location_enabled=True)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    visit = {"lat": 12.0, "lng": 77.0, "accuracy_m": 5, "at": "2026-05-03T11:00:00Z"} | bad
    response = user.api.post(f"/v1/leads/{lead['lead_id']}/check-ins", data=json.dumps(visit))
    assert response.status_code == 422


def test_check_in_coordinates_closer_to_zero_than_dynamodb_numbers_are_stored_as_zero(user: TestUser) -> None:
    """Found by the stateful fuzz run: 3.3e-247 is a valid latitude, but DynamoDB numbers stop at
    1e-130 and the write failed with a 500."""
    enable_features(user, location_enabled=True)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    visit = {"lat": 3.3408995405048315e-247, "lng": -1e-131, "accuracy_m": 5e-324, "at": "2026-05-03T11:00:00Z"}
    created = user.api.post(f"/v1/leads/{lead['lead_id']}/check-ins", json=visit)
    assert created.status_code == 201, created.text
    assert created.json()["location"] == {"lat": 0, "lng": 0, "accuracy_m": 0}
    listed = user.api.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"]
    assert [i["location"] for i in listed] == [{"lat": 0, "lng": 0, "accuracy_m": 0}]
    edge = {"lat": 1e-130, "lng": -1e-130, "accuracy_m": 0.5, "at": "2026-05-03T12:00:00Z"}
    kept = user.api.post(f"/v1/leads/{lead['lead_id']}/check-ins", json=edge)
    assert kept.status_code == 201, kept.text
    assert kept.json()["location"] == {"lat": 1e-130, "lng": -1e-130, "accuracy_m": 0.5}


def test_activities_dated_before_1970_are_stored_each_as_its_own(user: TestUser) -> None:
    """Found by the stateful fuzz run: ``at`` in year 496 is a valid time, and the id made from
    it failed with a 500 (a ULID's time starts in 1970)."""
    enable_features(user, location_enabled=True)
    lead_id = user.api.post("/v1/leads", json=new_lead_body()).json()["lead_id"]
    early = "0496-01-09T20:03:38.524772Z"
    note = user.api.post(f"/v1/leads/{lead_id}/activities", json={"type": "note", "at": early, "body": "Old"})
    visit = user.api.post(
        f"/v1/leads/{lead_id}/check-ins", json={"lat": 9.1, "lng": -174.3, "accuracy_m": 7.5, "at": early}
    )
    assert (note.status_code, visit.status_code) == (201, 201), (note.text, visit.text)
    listed = user.api.get(f"/v1/leads/{lead_id}/activities").json()["items"]
    assert sorted(i["activity_id"] for i in listed) == sorted([note.json()["activity_id"], visit.json()["activity_id"]])
    assert {i["at"] for i in listed} == {"0496-01-09T20:03:38.524Z"}  # RFC 3339, UTC, milliseconds


# --- files -------------------------------------------------------------------------------------


def _announce(user: TestUser, lead_id: str, content: bytes, content_type: str, filename: str) -> dict[str, Any]:
    body = {"filename": filename, "content_type": content_type, "size": len(content)}
    response = user.api.post(f"/v1/leads/{lead_id}/files", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _versions(local_stack: Any, prefix: str) -> list[dict[str, Any]]:
    s3 = local_stack.client("s3")
    listed = s3.list_object_versions(Bucket=local_stack.bucket_names["uploads"], Prefix=prefix)
    return list(listed.get("Versions", [])) + list(listed.get("DeleteMarkers", []))


def test_pdf_upload_complete_download_delete(user: TestUser, local_stack: Any, canary: Any) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    filename = canary("Canary invoice 0042.pdf", "file name")
    announced = _announce(user, lead["lead_id"], PDF_BYTES, "application/pdf", filename)
    assert filename not in json.dumps(announced["upload"])  # no file name in keys or forms
    uploaded = upload_file(announced["upload"], PDF_BYTES, filename)
    assert uploaded.status_code in (200, 201, 204), uploaded.text

    completed = user.api.post(f"/v1/files/{announced['file_id']}/complete")
    assert completed.status_code == 200
    assert (completed.json()["status"], completed.json()["filename"]) == ("ready", filename)

    info = user.api.get(f"/v1/files/{announced['file_id']}").json()
    assert filename not in info["download_url"]
    assert requests.get(info["download_url"], timeout=30).content == PDF_BYTES
    assert [f["file_id"] for f in user.api.get(f"/v1/leads/{lead['lead_id']}/files").json()["items"]] == [
        announced["file_id"]
    ]

    assert user.api.delete(f"/v1/files/{announced['file_id']}").status_code == 204
    assert user.api.get(f"/v1/files/{announced['file_id']}").status_code == 404
    assert _versions(local_stack, f"users/{user.user_id}/") == []


def test_a_png_named_pdf_and_an_oversized_file_are_rejected_and_deleted(user: TestUser, local_stack: Any) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    disguised = _announce(user, lead["lead_id"], PNG_BYTES, "application/pdf", "renamed.pdf")
    upload_file(disguised["upload"], PNG_BYTES)
    result = user.api.post(f"/v1/files/{disguised['file_id']}/complete").json()
    assert (result["status"], result["rejection"]) == ("rejected", "content_does_not_match_type")

    oversized = _announce(user, lead["lead_id"], PDF_BYTES, "application/pdf", "big.pdf")
    refused = upload_file(oversized["upload"], PDF_BYTES + b"\0" * 4096)
    assert refused.status_code == 400  # EntityTooLarge: the form binds the exact size (local/s3_front.py)
    # The server does not rely on that: an object of another size, however it got there, is rejected.
    s3 = local_stack.client("s3")
    s3.put_object(
        Bucket=local_stack.bucket_names["uploads"],
        Key=oversized["upload"]["fields"]["key"],
        Body=PDF_BYTES + b"\0" * 4096,
        ContentType="application/pdf",
    )
    result = user.api.post(f"/v1/files/{oversized['file_id']}/complete").json()
    assert (result["status"], result["rejection"]) == ("rejected", "size_mismatch")

    assert _versions(local_stack, f"users/{user.user_id}/") == []
    assert user.api.get(f"/v1/files/{oversized['file_id']}").json()["download_url"] is None

    too_big = {"filename": "huge.pdf", "content_type": "application/pdf", "size": 20 * 1024 * 1024 + 1}
    assert user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=too_big).status_code == 422
    exe = {"filename": "tool.exe", "content_type": "application/x-msdownload", "size": 10}
    assert user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=exe).status_code == 422


def _export_files(user: TestUser) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = user.api.get("/v1/me/export", params={"cursor": cursor} if cursor else {}).json()
        files += page["files"]
        cursor = page["next_cursor"]
        if not cursor:
            return files


def test_a_re_post_after_completion_never_changes_what_the_download_link_serves(
    user: TestUser, local_stack: Any
) -> None:
    """The upload form stays valid for minutes after completion, and S3 accepts it again: the
    file is the version that was verified, whatever is posted to its key afterwards."""
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    announced = _announce(user, lead["lead_id"], PDF_BYTES, "application/pdf", "quote.pdf")
    assert upload_file(announced["upload"], PDF_BYTES).status_code == 204
    assert user.api.post(f"/v1/files/{announced['file_id']}/complete").json()["status"] == "ready"

    html = b"<html><script>alert(document.cookie)</script></html>".ljust(len(PDF_BYTES), b" ")
    again = upload_file(announced["upload"], html)  # same key, type and size: the form allows it
    assert again.status_code == 204, again.text

    info = user.api.get(f"/v1/files/{announced['file_id']}").json()
    assert info["status"] == "ready"
    served = requests.get(info["download_url"], timeout=30)
    assert (served.status_code, served.content) == (200, PDF_BYTES)
    [exported] = [f for f in _export_files(user) if f["file_id"] == announced["file_id"]]
    assert requests.get(exported["download_url"], timeout=30).content == PDF_BYTES
    assert user.api.post(f"/v1/files/{announced['file_id']}/complete").json()["status"] == "ready"
    assert (
        requests.get(user.api.get(f"/v1/files/{announced['file_id']}").json()["download_url"], timeout=30).content
        == PDF_BYTES
    )


def test_completion_keeps_only_the_verified_version(user: TestUser, local_stack: Any) -> None:
    """A retrying client posts its form more than once before completing: the versions that were
    not verified (older or newer than the one checked) are deleted at completion."""
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    announced = _announce(user, lead["lead_id"], PDF_BYTES, "application/pdf", "retried.pdf")
    for _ in range(3):
        assert upload_file(announced["upload"], PDF_BYTES).status_code == 204
    assert len(_versions(local_stack, f"users/{user.user_id}/")) == 3
    assert user.api.post(f"/v1/files/{announced['file_id']}/complete").json()["status"] == "ready"
    [kept] = _versions(local_stack, f"users/{user.user_id}/")
    assert kept["IsLatest"]
    info = user.api.get(f"/v1/files/{announced['file_id']}").json()
    assert requests.get(info["download_url"], timeout=30).content == PDF_BYTES


def test_completing_before_uploading_is_a_conflict(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    announced = _announce(user, lead["lead_id"], PDF_BYTES, "application/pdf", "later.pdf")
    response = user.api.post(f"/v1/files/{announced['file_id']}/complete")
    assert (response.status_code, _code(response)) == (409, "file_not_uploaded")


def test_uploads_are_refused_while_switched_off(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    enable_features(user, file_uploads_enabled=False)
    body = {"filename": "a.pdf", "content_type": "application/pdf", "size": 10}
    response = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body)
    assert (response.status_code, _code(response)) == (409, "file_uploads_disabled")
    assert user.api.get(f"/v1/leads/{lead['lead_id']}/files").json()["items"] == []


# --- preferences and devices -------------------------------------------------------------------


def test_preferences_default_to_off_and_a_stale_version_gets_412(user: TestUser) -> None:
    defaults = user.api.get("/v1/me/preferences").json()
    assert defaults["version"] == 0
    assert (defaults["location_enabled"], defaults["call_log_sync_enabled"], defaults["sms_sync_enabled"]) == (
        False,
        False,
        False,
    )
    document = {k: v for k, v in defaults.items() if k not in ("version", "updated_at")}
    phone_a = document | {"version": 0, "location_enabled": True, "settings": {"theme": "dark"}}
    saved = user.api.request("PUT", "/v1/me/preferences", json=phone_a)
    assert saved.json()["version"] == 1
    assert saved.headers["ETag"] == '"1"'
    tablet_stale = document | {"version": 0, "location_enabled": False}
    conflict = user.api.request("PUT", "/v1/me/preferences", json=tablet_stale)
    # One rule for every stale write (If-Match or a body version): 412 with the current version.
    assert (conflict.status_code, _code(conflict)) == (412, "precondition_failed")
    assert conflict.json()["error"]["details"][0]["current_version"] == 1
    assert user.api.get("/v1/me/preferences").json()["location_enabled"] is True
    too_big = document | {"version": 1, "settings": {"blob": "x" * 9000}}
    assert user.api.request("PUT", "/v1/me/preferences", json=too_big).status_code == 422


def test_a_partial_put_is_refused_and_patch_keeps_what_it_does_not_name(user: TestUser) -> None:
    """PUT replaces (every field, or 422: nothing is reset by omission); PATCH merges."""
    regional = user.api.request("PATCH", "/v1/me/preferences", json={"default_region": "US"})
    assert regional.status_code == 200, regional.text
    partial_put = user.api.request("PUT", "/v1/me/preferences", json={"location_enabled": True})
    assert partial_put.status_code == 422
    patched = user.api.request("PATCH", "/v1/me/preferences", json={"location_enabled": True})
    assert patched.json()["default_region"] == "US"
    assert patched.json()["location_enabled"] is True
    stale = user.api.request(
        "PATCH", "/v1/me/preferences", json={"sms_sync_enabled": True}, headers={"If-Match": regional.headers["ETag"]}
    )
    assert (stale.status_code, _code(stale)) == (412, "precondition_failed")
    assert user.api.get("/v1/me/preferences").json()["sms_sync_enabled"] is False


def test_devices_upsert_list_and_forget(user: TestUser) -> None:
    device = {"device_id": "install-7c9e2f", "platform": "android", "os_version": "14", "app_version": "3.2.0"}
    first = user.api.post("/v1/devices", json=device).json()
    second = user.api.post("/v1/devices", json=device | {"app_version": "3.3.0"}).json()
    assert second["first_seen"] == first["first_seen"]
    assert second["app_version"] == "3.3.0"
    assert [d["device_id"] for d in user.api.get("/v1/devices").json()["items"]] == ["install-7c9e2f"]
    assert user.api.delete("/v1/devices/install-7c9e2f").status_code == 204
    assert user.api.get("/v1/devices").json()["items"] == []
    assert user.api.delete("/v1/devices/install-7c9e2f").status_code == 404


# --- export ------------------------------------------------------------------------------------


def test_export_pages_through_everything_the_user_has(user: TestUser, monkeypatch: pytest.MonkeyPatch) -> None:
    import shared.export.logic

    monkeypatch.setattr(shared.export.logic, "EXPORT_PAGE_ITEMS", 3)
    enable_features(user, location_enabled=True)
    leads = [user.api.post("/v1/leads", json=new_lead_body()).json() for _ in range(4)]
    visit = {"lat": 10.5, "lng": 76.2, "accuracy_m": 3, "at": "2026-05-04T10:00:00Z"}
    user.api.post(f"/v1/leads/{leads[0]['lead_id']}/check-ins", json=visit)
    device = {"device_id": "install-export1", "platform": "ios", "os_version": "17", "app_version": "3.2.0"}
    user.api.post("/v1/devices", json=device)
    announced = _announce(user, leads[1]["lead_id"], PDF_BYTES, "application/pdf", "q.pdf")
    upload_file(announced["upload"], PDF_BYTES)
    user.api.post(f"/v1/files/{announced['file_id']}/complete")

    pages = []
    cursor = None
    while True:
        page = user.api.get("/v1/me/export", params={"cursor": cursor} if cursor else {}).json()
        pages.append(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(pages) >= 3
    assert pages[0]["profile"]["email"] == user.email
    assert {lead["lead_id"] for p in pages for lead in p["leads"]} == {lead["lead_id"] for lead in leads}
    activities = [a for p in pages for a in p["activities"]]
    assert [a["location"]["lat"] for a in activities] == [10.5]
    files = [f for p in pages for f in p["files"]]
    assert requests.get(files[0]["download_url"], timeout=30).content == PDF_BYTES
    assert [d["device_id"] for p in pages for d in p["devices"]] == ["install-export1"]
    assert any(p["preferences"] and p["preferences"]["location_enabled"] for p in pages)
    assert user.api.get("/v1/me/export", params={"cursor": "%%%"}).status_code == 400
