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
import requests

from local.fake_google import DEMO_SPREADSHEET_ID
from shared.resources import all_routes
from tests.importing import callback, consent, wait_for_import
from tests.plugins.log_canary import register_canary
from tests.support import PDF_BYTES, TestUser, enable_features, fresh_totp_code, new_lead_body, upload_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "request-counts.md"

# route key -> the AWS operations of one request's own work, in the scenario below. Every
# authenticated route also makes the revocation check (one GetItem), added by ``expected()``.
WORK: dict[str, dict[str, int]] = {
    "POST /v1/auth/register": {"SignUp": 1, "PutItem": 1},
    "POST /v1/auth/confirm": {"ConfirmSignUp": 1},
    "POST /v1/auth/login": {"InitiateAuth": 1, "GetItem": 1},
    "POST /v1/auth/refresh": {"InitiateAuth": 1, "GetItem": 1},
    "POST /v1/auth/login/mfa": {"RespondToAuthChallenge": 1, "GetItem": 1},
    "GET /v1/me": {"AdminGetUser": 1},
    "PATCH /v1/me": {"AdminUpdateUserAttributes": 1, "AdminGetUser": 1},
    "POST /v1/me/mfa/totp": {"AssociateSoftwareToken": 1},
    "POST /v1/me/mfa/totp/verify": {"VerifySoftwareToken": 1, "SetUserMFAPreference": 1},
    "DELETE /v1/me/mfa": {"InitiateAuth": 1, "SetUserMFAPreference": 1},
    "POST /v1/leads": {"TransactWriteItems": 1},
    "GET /v1/leads": {"Query": 1},
    "GET /v1/leads/{lead_id}": {"GetItem": 1},
    "PATCH /v1/leads/{lead_id}": {"UpdateItem": 1},
    "DELETE /v1/leads/{lead_id}": {
        "GetItem": 1,
        "Query": 4,
        "BatchWriteItem": 1,
        "ListObjectVersions": 1,
        "TransactWriteItems": 1,
    },
    "GET /v1/health": {},
    "POST /v1/leads/{lead_id}/activities": {"TransactWriteItems": 1},
    "GET /v1/leads/{lead_id}/activities": {"Query": 1},
    "DELETE /v1/activities/{activity_id}": {"TransactWriteItems": 1},
    "POST /v1/leads/{lead_id}/check-ins": {"GetItem": 1, "TransactWriteItems": 1},
    "POST /v1/device-logs/sync": {"UpdateItem": 1, "GetItem": 1, "BatchGetItem": 2, "BatchWriteItem": 1},
    "POST /v1/leads/{lead_id}/files": {"GetItem": 1, "TransactWriteItems": 1},
    "GET /v1/leads/{lead_id}/files": {"Query": 1},
    "POST /v1/files/{file_id}/complete": {"GetItem": 1, "GetObject": 1, "ListObjectVersions": 1, "UpdateItem": 1},
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
    "GET /v1/me/inventory": {"Query": 1},
    "GET /privacy": {},
    "GET /privacy/{file}": {},
    "DELETE /v1/me/locations": {"Query": 1, "UpdateItem": 1},  # one check-in with a location
    "DELETE /v1/me/activities": {"Query": 1, "BatchWriteItem": 1},  # one activity from call logs
    "DELETE /v1/me": {
        "InitiateAuth": 1,
        "GenerateMac": 1,
        "TransactWriteItems": 1,
        "AdminDisableUser": 1,
        "AdminUserGlobalSignOut": 1,
        "StartExecution": 1,
    },
    "GET /v1/deletions/{deletion_id}": {"GetItem": 1},
    "POST /v1/imports/google-sheets": {"UpdateItem": 1, "GetItem": 2, "AdminGetUser": 1, "Encrypt": 1, "PutItem": 2},
    "GET /v1/imports": {"Query": 1},
    "GET /v1/imports/{import_id}": {"GetItem": 1},
    "DELETE /v1/imports/{import_id}": {"GetItem": 2, "UpdateItem": 1},
    "GET /v1/oauth/google/consent": {"GetItem": 1, "Decrypt": 1},
    "POST /v1/oauth/google/consent": {"UpdateItem": 1, "Decrypt": 1},
    "GET /v1/oauth/google/callback": {
        "DeleteItem": 1,
        "Decrypt": 1,
        "Encrypt": 1,
        "PutItem": 1,
        "TransactWriteItems": 1,
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

    def __init__(
        self, user: TestUser, local_stack: Any, doomed: TestUser, deleted: TestUser, guarded: TestUser
    ) -> None:
        self.user = user
        self.doomed = doomed  # deleted by the DELETE /v1/me scenario
        self.guarded = guarded  # turns TOTP on, logs in with it, turns it off
        self.totp_secret = ""
        self.mfa_session = ""
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
        self.cancelled = user.api.post("/v1/imports/google-sheets", json=self.sheet).json()
        self.waiting = user.api.post("/v1/imports/google-sheets", json=self.sheet).json()["authorization_url"]

    def prepare(self, route_key: str, api: Any) -> None:
        """What a scenario needs that must not be counted with it."""
        if route_key == "POST /v1/auth/login/mfa":
            login = api.post("/v1/auth/login", json={"email": self.guarded.email, "password": self.guarded.password})
            self.mfa_session = register_canary(login.json()["session"], "mfa session")

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
            "POST /v1/me/mfa/totp": self._set_up_totp,
            "POST /v1/me/mfa/totp/verify": lambda: self.guarded.api.post(
                "/v1/me/mfa/totp/verify", json={"code": fresh_totp_code(self.totp_secret)}
            ),
            "POST /v1/auth/login/mfa": lambda: api.post(
                "/v1/auth/login/mfa",
                json={
                    "email": self.guarded.email,
                    "session": self.mfa_session,
                    "code": fresh_totp_code(self.totp_secret),
                },
            ),
            "DELETE /v1/me/mfa": lambda: self.guarded.api.delete(
                "/v1/me/mfa", json={"password": self.guarded.password}
            ),
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
            "GET /v1/me/inventory": lambda: u.api.get("/v1/me/inventory"),
            "GET /privacy": lambda: api.get("/privacy"),
            "GET /privacy/{file}": lambda: api.get("/privacy/receipt"),
            # destructive ones last
            "DELETE /v1/me/locations": lambda: u.api.delete("/v1/me/locations"),
            "DELETE /v1/me/activities": lambda: u.api.delete("/v1/me/activities", params={"source": "call_log"}),
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
            # An import still awaiting authorization: undoing it cancels it.
            "DELETE /v1/imports/{import_id}": lambda: u.api.delete(f"/v1/imports/{self.cancelled['import_id']}"),
            "GET /v1/oauth/google/consent": lambda: requests.get(self.waiting, timeout=30),
            "POST /v1/oauth/google/consent": lambda: requests.post(
                self.waiting, headers={"Origin": api.base_url}, allow_redirects=False, timeout=30
            ),
            "DELETE /v1/me": lambda: self.doomed.api.delete("/v1/me", json={"password": self.doomed.password}),
            # Last: it starts an import workflow, whose steps run on beside whatever is measured next.
            "GET /v1/oauth/google/callback": lambda: callback(self.granted),
        }

    def _set_up_totp(self) -> Any:
        response = self.guarded.api.post("/v1/me/mfa/totp")
        self.totp_secret = register_canary(response.json()["secret"], "totp secret")
        return response


def test_every_route_has_a_documented_count() -> None:
    assert set(WORK) == {route.route_key for _, route in all_routes()}


def test_each_route_makes_its_documented_aws_calls(
    make_user: Callable[[], TestUser], api: Any, local_stack: Any, aws_calls: Any
) -> None:
    world = World(make_user(), local_stack, make_user(), make_user(), make_user())
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
            world.prepare(route_key, api)
            aws_calls.reset()
            response = run()
        assert response.status_code < 300 or response.status_code == 303, (route_key, response.text[:200])
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
def test_log_sync_looks_up_every_distinct_number_in_one_batch(
    user: TestUser, aws_calls: Any, distinct_numbers: int
) -> None:
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
    # Every distinct number's contact item in one BatchGetItem, the activities already written in another.
    assert aws_calls.count("Query") == 0
    assert aws_calls.count("BatchGetItem") == 2
    assert aws_calls.count("BatchWriteItem") == -(-3 * distinct_numbers // 25)
