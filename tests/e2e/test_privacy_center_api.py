"""The API behind the Privacy Center, over real HTTP: the inventory counts every kind of the
caller's data (and nothing of anyone else's), "delete one kind" deletes exactly that kind — from
the API, the export and every device's next sync — and doing it twice does nothing twice; the
export carries imports; the page itself is served with its strict policy."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from local.demo_account import PDF, DemoAccount, fill
from shared.privacy_center import page
from tests.e2e.test_sync import pull_all
from tests.importing import all_leads
from tests.plugins.log_canary import register_canary
from tests.support import Api, TestUser, create_user

pytestmark = pytest.mark.e2e


def seeded(api: Api, local_stack: Any, *, with_import: bool = False) -> tuple[TestUser, DemoAccount]:
    """A test user (canaries registered) with a little of every kind of data."""
    user = create_user(api)
    tag = user.user_id[:6]
    account = DemoAccount(
        user.email, user.password, user.user_id, user.tokens["access_token"], user.tokens["refresh_token"]
    )
    names = tuple(register_canary(f"Canarylead {tag} {n}", "lead name") for n in ("Asha", "Ravi"))
    fill(local_stack.gateway_url, account, lead_names=names, with_import=with_import)
    for lead in account.leads:
        for key in ("phone", "email"):
            if lead.get(key):
                register_canary(lead[key], f"lead {key}")
    return user, account


def export(user: TestUser) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    cursor = None
    while True:
        response = user.api.get("/v1/me/export", params={"cursor": cursor} if cursor else None)
        assert response.status_code == 200, response.text
        page_ = response.json()
        for kind, value in page_.items():
            if isinstance(value, list):
                merged.setdefault(kind, []).extend(value)
            elif value is not None:
                merged[kind] = value
        cursor = page_["next_cursor"]
        if cursor is None:
            return merged


def activities_of(user: TestUser, lead_id: str) -> list[dict[str, Any]]:
    response = user.api.get(f"/v1/leads/{lead_id}/activities")
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_inventory_counts_every_kind_of_the_callers_data_and_nothing_of_anyone_elses(
    api: Api, local_stack: Any
) -> None:
    user, account = seeded(api, local_stack, with_import=True)
    other, _ = seeded(api, local_stack)
    job = user.api.get(f"/v1/imports/{account.import_id}").json()

    response = user.api.get("/v1/me/inventory")

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    inventory = response.json()
    assert inventory["leads"] == len(account.leads) + job["leads_created"]
    assert inventory["activities"] == {
        "total": 6,
        "manual": 1,
        "from_call_logs": 2,
        "from_sms_logs": 1,
        "check_ins": 2,
        "check_ins_with_location": 2,
    }
    assert inventory["files"] == {"total": 1, "stored": 1, "stored_bytes": len(PDF), "pending": 0, "rejected": 0}
    assert inventory["devices"] == 1
    assert inventory["imports"] == {"total": 1, "by_status": {job["status"]: 1}}
    assert inventory["preferences_saved"] is True
    leads = all_leads(user)
    contacts = sum(bool(lead["phone"]) + bool(lead["email"]) for lead in leads)
    assert inventory["technical"]["contact_index"] == contacts  # one per phone and email of a lead
    assert inventory["technical"]["import_leases"] == 0  # the import has ended
    assert inventory["technical"]["other"] == 0
    assert inventory["retention"]["backups_days"] == 90
    assert inventory["retention"]["deleted_files_days"] == 1
    # Counts only: not one value of the account is in the answer.
    for lead in account.leads:
        assert lead["name"] not in response.text
        assert lead["phone"] not in response.text
    # The other user's inventory is its own.
    assert other.api.get("/v1/me/inventory").json()["leads"] == len(account.leads)


def test_forget_check_in_locations_leaves_no_coordinates_in_the_api_the_export_or_a_devices_sync(
    api: Api, local_stack: Any
) -> None:
    user, account = seeded(api, local_stack)
    other, other_account = seeded(api, local_stack)
    _, checkpoint, _ = pull_all(user)
    first_lead = account.leads[0]["lead_id"]
    check_ins = {a["activity_id"]: a for a in account.activities if a["type"] == "check_in"}
    assert all(a["location"] is not None for a in check_ins.values())

    response = user.api.delete("/v1/me/locations")

    assert response.status_code == 200, response.text
    assert response.json() == {"what": "check_in_locations", "count": 2, "complete": True}
    # The visits stay, without a place, each at a new version.
    listed = {a["activity_id"]: a for a in activities_of(user, first_lead) if a["type"] == "check_in"}
    assert set(listed) == set(check_ins)
    for activity_id, activity in listed.items():
        assert activity["location"] is None
        assert activity["version"] == check_ins[activity_id]["version"] + 1
    exported = json.dumps(export(user))
    assert '"lat"' not in exported
    assert '"lng"' not in exported
    assert "12.97" not in exported
    # A device that synced before learns of it at its next pull (as created or updated: pulls
    # overlap by minutes and these check-ins are new; apps upsert both the same way).
    changes, _, _ = pull_all(user, checkpoint)
    updated = {a["activity_id"]: a for bucket in ("created", "updated") for a in changes["activities"][bucket]}
    assert set(check_ins) <= set(updated)
    assert all(updated[activity_id]["location"] is None for activity_id in check_ins)
    assert user.api.get("/v1/me/inventory").json()["activities"]["check_ins_with_location"] == 0
    # Again: nothing left to do, nothing changed twice.
    again = user.api.delete("/v1/me/locations")
    assert again.json() == {"what": "check_in_locations", "count": 0, "complete": True}
    again_listed = [a for a in activities_of(user, first_lead) if a["type"] == "check_in"]
    assert {a["activity_id"]: a["version"] for a in again_listed} == {k: a["version"] for k, a in listed.items()}
    # The other user's check-ins keep their places.
    theirs = activities_of(other, other_account.leads[0]["lead_id"])
    assert [a["location"] is not None for a in theirs if a["type"] == "check_in"] == [True, True]


def test_forget_log_activities_deletes_only_that_source_everywhere_and_leaves_tombstones(
    api: Api, local_stack: Any
) -> None:
    user, account = seeded(api, local_stack)
    other, _ = seeded(api, local_stack)
    _, checkpoint, _ = pull_all(user)
    before = [a for lead in account.leads for a in activities_of(user, lead["lead_id"])]
    calls = {a["activity_id"] for a in before if a["source"] == "call_log"}
    assert len(calls) == 2

    response = user.api.delete("/v1/me/activities", params={"source": "call_log"})

    assert response.status_code == 200, response.text
    assert response.json() == {"what": "call_log_activities", "count": 2, "complete": True}
    after = [a for lead in account.leads for a in activities_of(user, lead["lead_id"])]
    assert {a["activity_id"] for a in after} == {a["activity_id"] for a in before} - calls
    assert not any(a["source"] == "call_log" for a in export(user)["activities"])
    changes, _, _ = pull_all(user, checkpoint)
    assert calls <= {tombstone["id"] for tombstone in changes["activities"]["deleted"]}
    assert user.api.delete("/v1/me/activities", params={"source": "call_log"}).json()["count"] == 0

    sms = user.api.delete("/v1/me/activities", params={"source": "sms_log"})
    assert sms.json() == {"what": "sms_log_activities", "count": 1, "complete": True}
    inventory = user.api.get("/v1/me/inventory").json()["activities"]
    assert (inventory["from_call_logs"], inventory["from_sms_logs"], inventory["manual"]) == (0, 0, 1)
    assert other.api.get("/v1/me/inventory").json()["activities"]["from_call_logs"] == 2


@pytest.mark.parametrize("query", [{}, {"source": "check_in"}, {"source": "manual"}])
def test_forget_log_activities_refuses_any_other_source(user: TestUser, query: dict[str, str]) -> None:
    response = user.api.delete("/v1/me/activities", params=query)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_the_export_carries_imports_as_kept(api: Api, local_stack: Any) -> None:
    user, account = seeded(api, local_stack, with_import=True)
    job = user.api.get(f"/v1/imports/{account.import_id}").json()

    exported = export(user)

    assert [record["import_id"] for record in exported["imports"]] == [account.import_id]
    record = exported["imports"][0]
    assert (record["status"], record["leads_created"], record["rows_read"]) == (
        job["status"],
        job["leads_created"],
        job["rows_read"],
    )


def test_the_privacy_center_pages_are_served_with_a_strict_policy_and_their_assets_are_cacheable(
    local_stack: Any,
) -> None:
    base = local_stack.gateway_url
    center = requests.get(f"{base}/privacy", timeout=10)
    receipt = requests.get(f"{base}/privacy/receipt", timeout=10)

    for response in (center, receipt):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["content-security-policy"] == page.CONTENT_SECURITY_POLICY
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    assets = re.findall(r'(?:src|href)="(/privacy/[a-z_-]+\.[0-9a-f]{12}\.(?:js|css))"', center.text + receipt.text)
    assert len(set(assets)) == 5
    for path in set(assets):
        asset = requests.get(base + path, timeout=10)
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["x-content-type-options"] == "nosniff"
    missing = requests.get(f"{base}/privacy/app.000000000000.js", timeout=10)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "page_not_found"
