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

# How to create an object a path parameter names, as its owner; returns its id.
OBJECT_FACTORIES: dict[str, Callable[[TestUser], str]] = {
    "lead_id": lambda owner: owner.api.post("/v1/leads", json=new_lead_body()).json()["lead_id"],
    "import_id": lambda owner: owner.api.post(
        "/v1/imports/google-sheets", json={"spreadsheet": "demo-leads-sheet", "on_duplicate": "skip"}
    ).json()["import_id"],
}

# A valid request body per schema, so the 404 cannot be blamed on validation.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "LeadPatch": {"company": "Initech"},
}


def _operations_with_path_ids() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in openapi_document()["paths"].items():
        if "{" not in path:
            continue
        for method, operation in operations.items():
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
    params = re.findall(r"{(\w+)}", path)
    for param in params:
        assert param in OBJECT_FACTORIES, f"add a factory for {{{param}}} to OBJECT_FACTORIES"
    ids = {param: OBJECT_FACTORIES[param](owner) for param in params}
    url = path.format(**ids)
    body = _body_for(operation)
    before = {object_id: owner.api.get(f"/v1/leads/{object_id}").json() for object_id in ids.values()}

    foreign = intruder.api.request(method, url, json=body)
    missing = intruder.api.request(method, re.sub(r"[0-9A-Z]{26}", "01J00000000000000000000000", url), json=body)
    assert foreign.status_code == 404, foreign.text
    assert foreign.json() == missing.json()

    # and the owner's object is untouched
    for object_id, state in before.items():
        assert owner.api.get(f"/v1/leads/{object_id}").json() == state
