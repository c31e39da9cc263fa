"""Retries never duplicate: every create honours ``Idempotency-Key`` (IETF draft semantics), with
its records in the caller's own partition."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest
import requests

from tests.importing import consent
from tests.support import PDF_BYTES, TestUser, enable_features, new_lead_body, upload_file


def _key() -> str:
    return str(uuid.uuid4())


def _code(response: requests.Response) -> str:
    return str(response.json()["error"]["code"])


def _leads(user: TestUser) -> list[dict[str, Any]]:
    return list(user.api.get("/v1/leads", params={"limit": 100}).json()["items"])


def test_a_retried_create_replays_the_first_response_and_creates_one_lead(user: TestUser) -> None:
    body, key = new_lead_body(), _key()
    first = user.api.post("/v1/leads", json=body, headers={"Idempotency-Key": key})
    again = user.api.post("/v1/leads", json=body, headers={"Idempotency-Key": f'"{key}"'})  # sf-string form
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["lead_id"] == first.json()["lead_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert [lead["lead_id"] for lead in _leads(user)] == [first.json()["lead_id"]]


def test_the_same_key_with_another_body_is_refused_and_creates_nothing(user: TestUser) -> None:
    key = _key()
    assert user.api.post("/v1/leads", json=new_lead_body(), headers={"Idempotency-Key": key}).status_code == 201
    reused = user.api.post("/v1/leads", json=new_lead_body(), headers={"Idempotency-Key": key})
    assert (reused.status_code, _code(reused)) == (422, "idempotency_key_reused")
    assert len(_leads(user)) == 1


def test_keys_are_the_callers_own(user: TestUser, make_user) -> None:  # type: ignore[no-untyped-def]
    other, key, body = make_user(), _key(), new_lead_body()
    mine = user.api.post("/v1/leads", json=body, headers={"Idempotency-Key": key})
    theirs = other.api.post("/v1/leads", json=body, headers={"Idempotency-Key": key})
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json()["lead_id"] != theirs.json()["lead_id"]


@pytest.mark.parametrize("key", ["", "two words", "x" * 256, "tab\there", 'a"b'])
def test_a_malformed_key_is_a_clear_400_and_creates_nothing(user: TestUser, key: str) -> None:
    refused = user.api.post("/v1/leads", json=new_lead_body(), headers={"Idempotency-Key": key})
    assert refused.status_code in (400, 422)
    if refused.status_code == 400:
        assert _code(refused) == "invalid_idempotency_key"
    assert _leads(user) == []


def test_a_retried_check_in_stores_one_location(user: TestUser) -> None:
    enable_features(user, location_enabled=True)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    visit, key = {"lat": 28.61, "lng": 77.2, "accuracy_m": 4, "at": "2026-05-01T10:00:00Z"}, _key()
    path = f"/v1/leads/{lead['lead_id']}/check-ins"
    first = user.api.post(path, json=visit, headers={"Idempotency-Key": key})
    again = user.api.post(path, json=visit, headers={"Idempotency-Key": key})
    assert again.json() == first.json()
    assert len(user.api.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"]) == 1
    note = {"type": "note", "at": "2026-05-01T10:00:00Z"}
    activity_path = f"/v1/leads/{lead['lead_id']}/activities"
    made = user.api.post(activity_path, json=note, headers={"Idempotency-Key": key})
    assert (made.status_code, _code(made)) == (422, "idempotency_key_reused")  # a key is for one request


def test_a_failed_create_is_not_kept_so_its_retry_runs_again(user: TestUser) -> None:
    enable_features(user, location_enabled=False)
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    visit, key = {"lat": 1.0, "lng": 2.0, "accuracy_m": 3, "at": "2026-05-01T10:00:00Z"}, _key()
    path = f"/v1/leads/{lead['lead_id']}/check-ins"
    refused = user.api.post(path, json=visit, headers={"Idempotency-Key": key})
    assert (refused.status_code, _code(refused)) == (409, "location_disabled")
    enable_features(user, location_enabled=True)
    assert user.api.post(path, json=visit, headers={"Idempotency-Key": key}).status_code == 201


def test_a_retried_file_announcement_is_the_same_file_with_a_fresh_form(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    body = {"filename": "quote.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    key, path = _key(), f"/v1/leads/{lead['lead_id']}/files"
    first = user.api.post(path, json=body, headers={"Idempotency-Key": key}).json()
    again = user.api.post(path, json=body, headers={"Idempotency-Key": key})
    assert again.json()["file_id"] == first["file_id"]
    upload_file(again.json()["upload"], PDF_BYTES)
    assert user.api.post(f"/v1/files/{first['file_id']}/complete").json()["status"] == "ready"
    late = user.api.post(path, json=body, headers={"Idempotency-Key": key})
    assert (late.status_code, _code(late)) == (409, "upload_no_longer_pending")
    assert len(user.api.get(path).json()["items"]) == 1


def test_a_retried_import_start_is_the_same_import_and_only_the_newest_link_works(user: TestUser) -> None:
    body, key = {"spreadsheet": f"sheet{secrets.token_hex(8)}", "on_duplicate": "skip"}, _key()
    first = user.api.post("/v1/imports/google-sheets", json=body, headers={"Idempotency-Key": key}).json()
    again = user.api.post("/v1/imports/google-sheets", json=body, headers={"Idempotency-Key": key}).json()
    assert again["import_id"] == first["import_id"]
    assert again["authorization_url"] != first["authorization_url"]
    assert len(user.api.get("/v1/imports").json()["items"]) == 1
    assert requests.get(first["authorization_url"], allow_redirects=False, timeout=30).status_code == 400  # gone
    assert consent(again["authorization_url"]).code  # the newest link leads on to Google
