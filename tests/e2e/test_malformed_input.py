"""Bad input on every route gets a 4xx with the error shape, never a 5xx, and writes nothing.

Operations and their schemas come from the OpenAPI document, so new routes are covered as they
are added.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from functions.openapi import openapi_document
from tests.support import Api, TestUser, new_identity, new_lead_body

pytestmark = pytest.mark.e2e

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def _string_limits(schema: dict[str, Any]) -> int | None:
    schema = _resolve(schema)
    for option in schema.get("anyOf", [schema]):
        option = _resolve(option)
        if option.get("type") == "string" and "maxLength" in option:
            return int(option["maxLength"])
    return None


# Characters no typed text may hold (shared/core/text.py): every free-text field gets one variant
# with each, unless its schema says they are removed rather than refused.
CONTROL_CHARACTERS = {"NUL": "\x00", "bidi override": "\u202e"}


def _free_text(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The string schema of a property that takes text (an array's items too), if it does."""
    schema = _resolve(schema)
    for option in schema.get("anyOf", [schema]):
        option = _resolve(option)
        is_list = option.get("type") == "array"
        if is_list:
            option = _resolve(option.get("items", {}))
        if (
            option.get("type") == "string"
            and "enum" not in option
            and option.get("format") not in ("date-time", "password")
        ):
            return option | {"is_list": is_list}
    return None


def _valid_body(schema_name: str) -> dict[str, Any]:
    """A body that would be accepted, so each variant below differs from it in one way only."""
    bodies: dict[str, dict[str, Any]] = {
        "RegisterRequest": new_identity(),
        "ConfirmRequest": {"email": "someone@example.com", "code": "123456"},
        "LoginRequest": {"email": "someone@example.com", "password": "Some-password-1"},
        "RefreshRequest": {"refresh_token": "r" * 40},
        "MfaLoginRequest": {"email": "someone@example.com", "session": "s" * 40, "code": "123456"},
        "TotpVerifyRequest": {"code": "123456"},
        "MfaDisableRequest": {"password": "Some-password-1"},
        "MePatch": {"name": "Someone"},
        "LeadCreate": new_lead_body(),
        "LeadPatch": {"company": "Initech"},
        "ActivityCreate": {"type": "meeting", "at": "2026-05-01T10:00:00+05:30", "duration_s": 600, "body": "Demo"},
        "CheckInCreate": {"lat": 12.97, "lng": 77.59, "accuracy_m": 8.5, "at": "2026-05-01T10:00:00Z", "note": "Visit"},
        "DeviceLogSync": {
            "device_id": "install-0001",
            "calls": [
                {"number": "+919876500000", "direction": "incoming", "at": "2026-05-01T10:00:00Z", "duration_s": 5}
            ],
            "sms": [{"number": "+919876500000", "direction": "outgoing", "at": "2026-05-01T10:00:00Z", "body": "Hi"}],
        },
        "FileUploadRequest": {"filename": "invoice.pdf", "content_type": "application/pdf", "size": 1024},
        "PreferencesPut": {
            "version": 0,
            "location_enabled": True,
            "call_log_sync_enabled": False,
            "sms_sync_enabled": False,
            "file_uploads_enabled": True,
            "default_region": "IN",
            "settings": {"theme": "dark"},
        },
        "PreferencesPatch": {"location_enabled": True},
        "DeleteAccountRequest": {"password": "Some-password-1"},
        "DeviceBody": {"device_id": "install-0001", "platform": "ios", "os_version": "17.4", "app_version": "3.2.1"},
        "GoogleSheetsImportRequest": {
            "spreadsheet": "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abc/edit",
            "on_duplicate": "skip",
            "mapping": {"Full name": "name", "Mobile": "phone"},
        },
    }
    assert schema_name in bodies, f"add a valid {schema_name} body to this test"
    return bodies[schema_name]


def _variants(schema_name: str) -> list[tuple[str, Any]]:
    """(label, body) pairs; a str body is sent raw, anything else as JSON."""
    base = _valid_body(schema_name)
    schema = SCHEMAS[schema_name]
    variants: list[tuple[str, Any]] = [
        ("not json", "{not json"),
        ("json list", [base]),
        ("json string", '"text"'),
        ("unknown field", base | {"unexpected_field": 1}),
    ]
    for field in schema.get("required", []):
        missing = copy.deepcopy(base)
        missing.pop(field, None)
        variants.append((f"missing {field}", missing))
    for field, field_schema in schema.get("properties", {}).items():
        wrong = "text" if _resolve(field_schema).get("type") == "object" else {"nested": [1, 2]}
        variants.append((f"{field} wrong type", base | {field: wrong}))
        limit = _string_limits(field_schema)
        if limit is not None:
            variants.append((f"{field} oversized", base | {field: "9" * (limit + 1)}))
        if "phone" in field and field != "phone_region":
            variants.append((f"{field} bad phone", base | {field: "12345"}))
        text = _free_text(field_schema)
        if text is not None and text.get("x-control-characters") != "removed":
            for label, character in CONTROL_CHARACTERS.items():
                value = f"Ravi{character}Kumar"
                variants.append((f"{field} {label}", base | {field: [value] if text["is_list"] else value}))
    if not schema.get("required"):
        variants.append(("empty object", {}))
    return variants


def _cases() -> list[tuple[str, str, str, Any]]:
    cases = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if not body:
                continue
            schema_name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            for label, variant in _variants(schema_name):
                cases.append((method.upper(), path, label, variant))
    return cases


CASES = _cases()


def _assert_client_error(response) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str)


@pytest.fixture(scope="module")
def owner(api: Api) -> TestUser:
    from tests.support import create_user

    return create_user(api)


@pytest.fixture(scope="module")
def lead_id(owner: TestUser) -> str:
    return str(owner.api.post("/v1/leads", json=new_lead_body()).json()["lead_id"])


@pytest.mark.parametrize(("method", "path", "label", "body"), CASES, ids=[f"{c[0]} {c[1]} {c[2]}" for c in CASES])
def test_malformed_bodies_are_refused_with_the_error_shape(
    method: str, path: str, label: str, body: Any, owner: TestUser, lead_id: str, local_stack: Any
) -> None:
    url = path.replace("{lead_id}", lead_id)
    for param in ("{activity_id}", "{file_id}", "{device_id}"):
        url = url.replace(param, "01J00000000000000000000000")
    before = owner.api.get(f"/v1/leads/{lead_id}").json()
    items_before = _partition(local_stack, owner.user_id)
    count_before = _user_count(local_stack) if path == "/v1/auth/register" else None
    if isinstance(body, str):
        response = owner.api.request(method, url, data=body, headers={"Content-Type": "application/json"})
    else:
        response = owner.api.request(method, url, json=body)
    _assert_client_error(response)
    # nothing half-written: the lead is as it was, the owner's data unchanged, no account appeared
    assert owner.api.get(f"/v1/leads/{lead_id}").json() == before
    assert _partition(local_stack, owner.user_id) == items_before
    if count_before is not None:
        assert _user_count(local_stack) == count_before


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "0"},
        {"limit": "101"},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"cursor": "x" * 500},
        {"q": "x" * 101},
        {"q": ""},
        {"limt": "10"},
    ],
    ids=lambda q: ",".join(f"{k}={str(v)[:12]}" for k, v in q.items()),
)
def test_malformed_list_queries_are_refused(owner: TestUser, query: dict[str, str]) -> None:
    _assert_client_error(owner.api.get("/v1/leads", params=query))


@pytest.mark.parametrize("lead_id_value", ["nope", "0" * 26, "%2e%2e", "a" * 65])
def test_malformed_lead_ids_answer_404_or_422(owner: TestUser, lead_id_value: str) -> None:
    for method in ("GET", "DELETE"):
        response = owner.api.request(method, f"/v1/leads/{lead_id_value}")
        _assert_client_error(response)


def _partition(local_stack: Any, user_id: str) -> list[dict[str, Any]]:
    """Every item stored under the user, read straight from the table."""
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ConsistentRead=True,
    )
    return [item for page in pages for item in page["Items"]]


def _user_count(local_stack: Any) -> int:
    import boto3

    client = boto3.client("cognito-idp", endpoint_url=local_stack.moto_url, region_name=local_stack.region)
    pages = client.get_paginator("list_users").paginate(UserPoolId=local_stack.user_pool_id)
    return sum(len(page["Users"]) for page in pages)
