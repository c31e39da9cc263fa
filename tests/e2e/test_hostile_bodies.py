"""Hostile bodies through the local gateway, on every route that takes a body (from the OpenAPI
document, so a new route is covered the day it is added): nesting 100,000 deep, invalid UTF-8, a
charset other than UTF-8. Each is a 4xx with the error shape, never a 500, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from functions.openapi import openapi_document
from tests.support import TestUser, create_user, new_lead_body

pytestmark = pytest.mark.e2e

DOCUMENT = openapi_document()
BODY_ROUTES = [
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if operation.get("requestBody")
]
IDS = [f"{method} {path}" for method, path in BODY_ROUTES]
PLACEHOLDER_ID = "01J00000000000000000000000"
DEEP = ("[" * 100_000 + "]" * 100_000).join(['{"name": ', "}"])
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def owner(api: Any) -> TestUser:
    return create_user(api)


def _url(path: str) -> str:
    for param in ("{lead_id}", "{activity_id}", "{file_id}", "{device_id}", "{import_id}"):
        path = path.replace(param, PLACEHOLDER_ID)
    return path


def _error(response: Any) -> tuple[int, str]:
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["message"], str)
    return response.status_code, body["error"]["code"]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=IDS)
def test_a_body_nested_100000_deep_is_400(owner: TestUser, method: str, path: str) -> None:
    response = owner.api.request(method, _url(path), data=DEEP, headers=JSON)
    assert _error(response) == (400, "too_deeply_nested")


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=IDS)
def test_invalid_utf8_is_400_invalid_encoding(owner: TestUser, method: str, path: str) -> None:
    response = owner.api.request(method, _url(path), data=b'{"name": "Ravi \xff Kumar"}', headers=JSON)
    assert _error(response) == (400, "invalid_encoding")


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES, ids=IDS)
def test_a_charset_other_than_utf8_is_415(owner: TestUser, method: str, path: str) -> None:
    headers = {"Content-Type": "application/json; charset=latin-1"}
    response = owner.api.request(method, _url(path), data='{"name": "Zoë"}'.encode("latin-1"), headers=headers)
    assert _error(response) == (415, "unsupported_charset")


def test_a_lead_with_invalid_utf8_is_not_stored_and_a_valid_one_is(owner: TestUser, local_stack: Any) -> None:
    before = _partition(local_stack, owner.user_id)
    lead = new_lead_body(name="Zoë Kumar")
    raw = (
        b'{"name": "Zo\xeb Kumar", "phone": "'
        + lead["phone"].encode()
        + b'", "source": "manual", "company": "Acme \xc3"}'
    )
    assert _error(owner.api.post("/v1/leads", data=raw, headers=JSON)) == (400, "invalid_encoding")
    assert _partition(local_stack, owner.user_id) == before
    # the same lead, in UTF-8 with the charset declared, is stored exactly as sent
    headers = {"Content-Type": "application/json; charset=utf-8"}
    created = owner.api.post("/v1/leads", data=_utf8_json(lead), headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "Zoë Kumar"


def _utf8_json(body: dict[str, Any]) -> bytes:
    import json

    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _partition(local_stack: Any, user_id: str) -> list[dict[str, Any]]:
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ConsistentRead=True,
    )
    return [item for page in pages for item in page["Items"]]
