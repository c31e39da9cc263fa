"""Another user's object answers 404 exactly like a missing one — for every route with a path id.

Routes come from the OpenAPI document, so a new route with an id is covered (or fails here for
want of a way to create its object) without anyone remembering to add it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from functions.openapi import openapi_document
from tests.support import Api, TestUser, new_lead_body

pytestmark = pytest.mark.e2e

# How to create, as its owner, the object a path parameter names: returns its id and a function
# that reads the owner's view of it (to prove the intruder's request changed nothing).
Reader = Callable[[], Any]


def _lead(owner: TestUser) -> tuple[str, Reader]:
    lead_id = owner.api.post("/v1/leads", json=new_lead_body()).json()["lead_id"]
    return lead_id, lambda: owner.api.get(f"/v1/leads/{lead_id}").json()


def _activity(owner: TestUser) -> tuple[str, Reader]:
    lead_id, _ = _lead(owner)
    body = {"type": "note", "at": "2026-05-01T10:00:00+05:30", "body": "Follow up"}
    activity = owner.api.post(f"/v1/leads/{lead_id}/activities", json=body).json()
    return activity["activity_id"], lambda: owner.api.get(f"/v1/leads/{lead_id}/activities").json()


def _file(owner: TestUser) -> tuple[str, Reader]:
    lead_id, _ = _lead(owner)
    body = {"filename": "invoice.pdf", "content_type": "application/pdf", "size": 1000}
    file_id = owner.api.post(f"/v1/leads/{lead_id}/files", json=body).json()["file_id"]
    return file_id, lambda: owner.api.get(f"/v1/leads/{lead_id}/files").json()


def _device(owner: TestUser) -> tuple[str, Reader]:
    device_id = f"install-{owner.user_id[:8]}"
    body = {"device_id": device_id, "platform": "android", "os_version": "14", "app_version": "3.2.1"}
    owner.api.post("/v1/devices", json=body)
    return device_id, lambda: owner.api.get("/v1/devices").json()


def _import(owner: TestUser) -> tuple[str, Reader]:
    body = {"spreadsheet": "demo-leads-sheet", "on_duplicate": "skip"}
    import_id = owner.api.post("/v1/imports/google-sheets", json=body).json()["import_id"]
    return import_id, lambda: owner.api.get(f"/v1/imports/{import_id}").json()


OBJECT_FACTORIES: dict[str, Callable[[TestUser], tuple[str, Reader]]] = {
    "lead_id": _lead,
    "activity_id": _activity,
    "file_id": _file,
    "device_id": _device,
    "import_id": _import,
}

# A valid request body per schema, so the 404 cannot be blamed on validation.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "LeadPatch": {"company": "Initech"},
    "ActivityCreate": {"type": "call", "at": "2026-05-01T10:00:00Z", "direction": "outgoing", "duration_s": 60},
    "CheckInCreate": {"lat": 12.97, "lng": 77.59, "accuracy_m": 8, "at": "2026-05-01T10:00:00Z"},
    "FileUploadRequest": {"filename": "quote.pdf", "content_type": "application/pdf", "size": 2048},
}


def _operations_with_path_ids() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in openapi_document()["paths"].items():
        if "{" not in path:
            continue
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue  # public by design: reachable by its unguessable id (a deletion receipt)
            found.append((method.upper(), path, operation))
    return found


def _body_for(operation: dict[str, Any]) -> dict[str, Any] | None:
    if "requestBody" not in operation:
        return None
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    assert name in VALID_BODIES, f"add a valid {name} body to VALID_BODIES"
    return VALID_BODIES[name]


OPERATIONS = _operations_with_path_ids()


def test_the_matrix_is_not_empty() -> None:
    assert len(OPERATIONS) >= 3


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_other_users_objects_answer_404_like_missing_ones(
    method: str, path: str, operation: dict[str, Any], make_user: Callable[[], TestUser], api: Api
) -> None:
    owner, intruder = make_user(), make_user()
    # every feature on for the intruder: ownership must be the only reason for the refusal
    everything_on = {"location_enabled": True, "call_log_sync_enabled": True, "sms_sync_enabled": True}
    assert intruder.api.request("PATCH", "/v1/me/preferences", json=everything_on).status_code == 200
    params = re.findall(r"{(\w+)}", path)
    for param in params:
        assert param in OBJECT_FACTORIES, f"add a factory for {{{param}}} to OBJECT_FACTORIES"
    created = {param: OBJECT_FACTORIES[param](owner) for param in params}
    url = path.format(**{param: object_id for param, (object_id, _) in created.items()})
    body = _body_for(operation)
    before = [read() for _, read in created.values()]

    foreign = intruder.api.request(method, url, json=body)
    missing = intruder.api.request(method, re.sub(r"[0-9A-Z]{26}", "01J00000000000000000000000", url), json=body)
    assert foreign.status_code == 404, foreign.text
    assert foreign.json() == missing.json()

    # and the owner's object is untouched
    assert [read() for _, read in created.values()] == before
