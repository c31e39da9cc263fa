"""Each route makes the documented, minimal number of AWS calls (counted with a botocore hook).

``docs/request-counts.md`` lists the same numbers; a test keeps it honest. Counts are for the
typical case stated in each scenario (e.g. a log sync with 2 distinct numbers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from local.fake_google import DEMO_SPREADSHEET_ID
from shared.resources import all_routes
from tests.importing import callback, consent, wait_for_import
from tests.support import PDF_BYTES, TestUser, enable_features, new_lead_body, upload_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "request-counts.md"

# route key -> the AWS operations of one request's own work, in the scenario below. Every
# authenticated route also makes the revocation check (one GetItem), added by ``expected()``.
WORK: dict[str, dict[str, int]] = {
    "POST /v1/auth/register": {"SignUp": 1, "PutItem": 1},
    "POST /v1/auth/confirm": {"ConfirmSignUp": 1},
    "POST /v1/auth/login": {"InitiateAuth": 1, "GetItem": 1},
    "POST /v1/auth/refresh": {"InitiateAuth": 1, "GetItem": 1},
    "GET /v1/me": {"AdminGetUser": 1},
    "PATCH /v1/me": {"AdminUpdateUserAttributes": 1, "AdminGetUser": 1},
    "POST /v1/leads": {"PutItem": 1},
    "GET /v1/leads": {"Query": 1},
    "GET /v1/leads/{lead_id}": {"GetItem": 1},
    "PATCH /v1/leads/{lead_id}": {"UpdateItem": 1},
    "DELETE /v1/leads/{lead_id}": {"Query": 4, "BatchWriteItem": 1, "ListObjectVersions": 1, "TransactWriteItems": 1},
    "GET /v1/health": {},
    "POST /v1/leads/{lead_id}/activities": {"TransactWriteItems": 1},
    "GET /v1/leads/{lead_id}/activities": {"Query": 1},
    "DELETE /v1/activities/{activity_id}": {"TransactWriteItems": 1},
    "POST /v1/leads/{lead_id}/check-ins": {"GetItem": 1, "TransactWriteItems": 1},
    "POST /v1/device-logs/sync": {"UpdateItem": 1, "GetItem": 1, "Query": 2, "BatchGetItem": 1, "BatchWriteItem": 1},
    "POST /v1/leads/{lead_id}/files": {"GetItem": 1, "TransactWriteItems": 1},
    "GET /v1/leads/{lead_id}/files": {"Query": 1},
    "POST /v1/files/{file_id}/complete": {"GetItem": 1, "GetObject": 1, "UpdateItem": 1},
    "GET /v1/files/{file_id}": {"GetItem": 1},
    "DELETE /v1/files/{file_id}": {
        "GetItem": 1,
        "ListObjectVersions": 1,
        "DeleteObjects": 1,
        "TransactWriteItems": 1,
    },
    "GET /v1/me/preferences": {"GetItem": 1},
    "PUT /v1/me/preferences": {"UpdateItem": 1},
    "PATCH /v1/me/preferences": {"UpdateItem": 1},
    "POST /v1/devices": {"UpdateItem": 1},
    "GET /v1/devices": {"Query": 1},
    "DELETE /v1/devices/{device_id}": {"TransactWriteItems": 1},
    "GET /v1/me/export": {"UpdateItem": 1, "Query": 1, "AdminGetUser": 1},
    "GET /v1/sync": {"UpdateItem": 1, "Query": 1},
    "DELETE /v1/me": {
        "InitiateAuth": 1,
        "GenerateMac": 1,
        "TransactWriteItems": 1,
        "AdminDisableUser": 1,
        "AdminUserGlobalSignOut": 1,
        "StartExecution": 1,
    },
    "GET /v1/deletions/{deletion_id}": {"GetItem": 1},
    "POST /v1/imports/google-sheets": {"UpdateItem": 1, "GetItem": 1, "Encrypt": 1, "PutItem": 2},
    "GET /v1/imports": {"Query": 1},
    "GET /v1/imports/{import_id}": {"GetItem": 1},
    "GET /v1/oauth/google/callback": {
        "DeleteItem": 1,
        "Decrypt": 1,
        "Encrypt": 1,
        "PutItem": 1,
        "UpdateItem": 1,
        "StartExecution": 1,
    },
}
PUBLIC = {route.route_key for _, route in all_routes() if route.public}
REVOCATION_CHECK = {"GetItem": 1}


def expected(route_key: str) -> dict[str, int]:
    work = Counter(WORK[route_key])
    if route_key not in PUBLIC:
        work.update(REVOCATION_CHECK)
    return dict(work)


EXPECTED = {route_key: expected(route_key) for route_key in WORK}


class World:
    """One user with a little of everything, so each scenario is a single request."""

    def __init__(self, user: TestUser, local_stack: Any, doomed: TestUser, deleted: TestUser) -> None:
        self.user = user
        self.doomed = doomed  # deleted by the DELETE /v1/me scenario
        response = deleted.api.delete("/v1/me", json={"password": deleted.password})
        self.doomed_deletion = response.json()["deletion_id"]
        enable_features(user, location_enabled=True, call_log_sync_enabled=True, sms_sync_enabled=True)
        self.lead = user.api.post("/v1/leads", json=new_lead_body()).json()
        self.other = user.api.post("/v1/leads", json=new_lead_body()).json()
        note = {"type": "note", "at": "2026-05-07T10:00:00Z", "body": "call back"}
        self.activity = user.api.post(f"/v1/leads/{self.lead['lead_id']}/activities", json=note).json()
        body = {"filename": "a.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
        self.pending = user.api.post(f"/v1/leads/{self.lead['lead_id']}/files", json=body).json()
        upload_file(self.pending["upload"], PDF_BYTES)
        self.ready = user.api.post(f"/v1/leads/{self.lead['lead_id']}/files", json=body).json()
        upload_file(self.ready["upload"], PDF_BYTES)
        user.api.post(f"/v1/files/{self.ready['file_id']}/complete")
        self.device = {"device_id": "install-count1", "platform": "android", "os_version": "14", "app_version": "1"}
        user.api.post("/v1/devices", json=self.device)
        self.sheet = {"spreadsheet": DEMO_SPREADSHEET_ID, "on_duplicate": "skip"}
        self.started = user.api.post("/v1/imports/google-sheets", json=self.sheet).json()
        self.granted = consent(self.started["authorization_url"])

    def scenarios(self, api: Any) -> dict[str, Callable[[], Any] | None]:
        u, lead, other = self.user, self.lead["lead_id"], self.other["lead_id"]
        from tests.support import new_identity

        identity = new_identity()
        sync = {
            "device_id": "install-count1",
            "calls": [{"number": self.lead["phone"], "direction": "incoming", "at": "2026-05-07T11:00:00Z"}],
            "sms": [{"number": self.other["phone"], "direction": "incoming", "at": "2026-05-07T11:01:00Z"}],
        }
        return {
            "POST /v1/auth/register": lambda: api.post("/v1/auth/register", json=identity),
            "POST /v1/auth/confirm": lambda: api.post(
                "/v1/auth/confirm", json={"email": identity["email"], "code": "1"}
            ),
            "POST /v1/auth/login": lambda: api.post("/v1/auth/login", json={"email": u.email, "password": u.password}),
            "POST /v1/auth/refresh": lambda: api.post(
                "/v1/auth/refresh", json={"refresh_token": u.tokens["refresh_token"]}
            ),
            "GET /v1/me": lambda: u.api.get("/v1/me"),
            "PATCH /v1/me": lambda: u.api.patch("/v1/me", json={"name": u.name}),
            "POST /v1/leads": lambda: u.api.post("/v1/leads", json=new_lead_body()),
            "GET /v1/leads": lambda: u.api.get("/v1/leads"),
            "GET /v1/leads/{lead_id}": lambda: u.api.get(f"/v1/leads/{lead}"),
            "PATCH /v1/leads/{lead_id}": lambda: u.api.patch(f"/v1/leads/{lead}", json={"company": "Umbrella"}),
            "GET /v1/health": lambda: api.get("/v1/health"),
            "POST /v1/leads/{lead_id}/activities": lambda: u.api.post(
                f"/v1/leads/{lead}/activities", json={"type": "email", "at": "2026-05-07T12:00:00Z"}
            ),
            "GET /v1/leads/{lead_id}/activities": lambda: u.api.get(f"/v1/leads/{lead}/activities"),
            "POST /v1/leads/{lead_id}/check-ins": lambda: u.api.post(
                f"/v1/leads/{lead}/check-ins", json={"lat": 1, "lng": 2, "accuracy_m": 3, "at": "2026-05-07T13:00:00Z"}
            ),
            "POST /v1/device-logs/sync": lambda: u.api.post("/v1/device-logs/sync", json=sync),
            "POST /v1/leads/{lead_id}/files": lambda: u.api.post(
                f"/v1/leads/{lead}/files", json={"filename": "b.pdf", "content_type": "application/pdf", "size": 9}
            ),
            "GET /v1/leads/{lead_id}/files": lambda: u.api.get(f"/v1/leads/{lead}/files"),
            "POST /v1/files/{file_id}/complete": lambda: u.api.post(f"/v1/files/{self.pending['file_id']}/complete"),
            "GET /v1/files/{file_id}": lambda: u.api.get(f"/v1/files/{self.ready['file_id']}"),
            "GET /v1/me/preferences": lambda: u.api.get("/v1/me/preferences"),
            "PUT /v1/me/preferences": None,  # needs the current document first: run by the test
            "PATCH /v1/me/preferences": lambda: u.api.patch("/v1/me/preferences", json={"settings": {"a": 1}}),
            "POST /v1/devices": lambda: u.api.post("/v1/devices", json=self.device),
            "GET /v1/devices": lambda: u.api.get("/v1/devices"),
            "GET /v1/me/export": lambda: u.api.get("/v1/me/export"),
            "GET /v1/sync": lambda: u.api.get("/v1/sync"),
            # destructive ones last
            "DELETE /v1/activities/{activity_id}": lambda: u.api.delete(
                f"/v1/activities/{self.activity['activity_id']}"
            ),
            "DELETE /v1/files/{file_id}": lambda: u.api.delete(f"/v1/files/{self.ready['file_id']}"),
            "DELETE /v1/devices/{device_id}": lambda: u.api.delete("/v1/devices/install-count1"),
            "DELETE /v1/leads/{lead_id}": lambda: u.api.delete(f"/v1/leads/{other}"),
            "GET /v1/deletions/{deletion_id}": lambda: api.get(f"/v1/deletions/{self.doomed_deletion}"),
            "POST /v1/imports/google-sheets": lambda: u.api.post("/v1/imports/google-sheets", json=self.sheet),
            "GET /v1/imports": lambda: u.api.get("/v1/imports"),
            "GET /v1/imports/{import_id}": lambda: u.api.get(f"/v1/imports/{self.started['import_id']}"),
            "DELETE /v1/me": lambda: self.doomed.api.delete("/v1/me", json={"password": self.doomed.password}),
            # Last: it starts an import workflow, whose steps run on beside whatever is measured next.
            "GET /v1/oauth/google/callback": lambda: callback(self.granted.callback_url),
        }


def test_every_route_has_a_documented_count() -> None:
    assert set(WORK) == {route.route_key for _, route in all_routes()}


def test_each_route_makes_its_documented_aws_calls(
    make_user: Callable[[], TestUser], api: Any, local_stack: Any, aws_calls: Any
) -> None:
    world = World(make_user(), local_stack, make_user(), make_user())
    scenarios = world.scenarios(api)
    assert set(scenarios) == set(EXPECTED)
    measured = {}
    for route_key, run in scenarios.items():
        if run is None:
            document = world.user.api.get("/v1/me/preferences").json()
            document.pop("updated_at")
            aws_calls.reset()
            response = world.user.api.request("PUT", "/v1/me/preferences", json=document)
        else:
            aws_calls.reset()
            response = run()
        assert response.status_code < 300, (route_key, response.status_code, response.text[:200])
        measured[route_key] = dict(Counter(aws_calls.operations))
    # The callback started an import: let it end here, or its steps' threads (untagged lookups)
    # would be counted against the next test's requests.
    wait_for_import(world.user, world.started["import_id"])
    assert measured == EXPECTED


@pytest.mark.parametrize("doc", [DOC, DOC.parent / "benchmarks.md"], ids=lambda path: path.name)
def test_the_documented_table_matches(doc: Path) -> None:
    rows = dict(re.findall(r"^\| `([A-Z]+ [^`]+)` \| [^|]* \| (\d+) \|$", doc.read_text(), flags=re.M))
    assert {route: int(total) for route, total in rows.items()} == {
        route: sum(ops.values()) for route, ops in EXPECTED.items()
    }


@pytest.mark.parametrize("distinct_numbers", [1, 7])
def test_log_sync_looks_up_each_distinct_number_once(user: TestUser, aws_calls: Any, distinct_numbers: int) -> None:
    enable_features(user, call_log_sync_enabled=True)
    leads = [user.api.post("/v1/leads", json=new_lead_body()).json() for _ in range(distinct_numbers)]
    calls = [
        {"number": lead["phone"], "direction": "incoming", "at": f"2026-05-08T10:00:{second:02d}Z"}
        for lead in leads
        for second in range(3)
    ]
    aws_calls.reset()
    result = user.api.post("/v1/device-logs/sync", json={"device_id": "install-count2", "calls": calls}).json()
    assert result["created"] == 3 * distinct_numbers
    assert aws_calls.count("Query") == distinct_numbers
    assert aws_calls.count("BatchWriteItem") == -(-3 * distinct_numbers // 25)
