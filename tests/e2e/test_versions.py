"""Edits never silently overwrite: leads, activities and preferences carry a version (the
``version`` field and the ``ETag`` header); ``If-Match`` makes a write apply only to the version
read, and a stale one gets 412 with the current version. Without ``If-Match`` the last writer
wins, as documented."""

from __future__ import annotations

import re

import pytest

from tests.support import TestUser, new_lead_body

RFC3339_MS_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _code(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.json()["error"]["code"])


def test_two_devices_editing_one_lead_the_stale_one_gets_412(user: TestUser) -> None:
    created = user.api.post("/v1/leads", json=new_lead_body())
    lead = created.json()
    assert (lead["version"], created.headers["ETag"]) == (1, '"1"')
    read_by_phone = user.api.get(f"/v1/leads/{lead['lead_id']}").headers["ETag"]
    read_by_tablet = read_by_phone

    first = user.api.patch(
        f"/v1/leads/{lead['lead_id']}", json={"company": "Phone Ltd"}, headers={"If-Match": read_by_phone}
    )
    assert first.status_code == 200
    assert (first.json()["version"], first.headers["ETag"]) == (2, '"2"')

    second = user.api.patch(
        f"/v1/leads/{lead['lead_id']}", json={"company": "Tablet Ltd"}, headers={"If-Match": read_by_tablet}
    )
    assert (second.status_code, _code(second)) == (412, "precondition_failed")
    assert second.json()["error"]["details"][0]["current_version"] == 2
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").json()["company"] == "Phone Ltd"

    unconditional = user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"company": "Anyone Ltd"})
    assert (unconditional.status_code, unconditional.json()["version"]) == (200, 3)  # last writer wins


def test_a_stale_delete_deletes_nothing_and_a_current_one_everything(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    note = {"type": "note", "at": "2026-05-01T10:00:00Z", "body": "kept until the right delete"}
    user.api.post(f"/v1/leads/{lead['lead_id']}/activities", json=note)
    user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"company": "Changed"})

    stale = user.api.delete(f"/v1/leads/{lead['lead_id']}", headers={"If-Match": '"1"'})
    assert (stale.status_code, _code(stale)) == (412, "precondition_failed")
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").status_code == 200
    assert len(user.api.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"]) == 1  # children kept too

    assert user.api.delete(f"/v1/leads/{lead['lead_id']}", headers={"If-Match": '"2"'}).status_code == 204
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").status_code == 404


def test_an_activity_is_deleted_only_at_the_version_read(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    created = user.api.post(
        f"/v1/leads/{lead['lead_id']}/activities", json={"type": "call", "at": "2026-05-01T10:00:00+05:30"}
    )
    activity = created.json()
    assert created.headers["ETag"] == '"1"'
    stale = user.api.delete(f"/v1/activities/{activity['activity_id']}", headers={"If-Match": '"7"'})
    assert (stale.status_code, _code(stale)) == (412, "precondition_failed")
    assert user.api.delete(f"/v1/activities/{activity['activity_id']}", headers={"If-Match": "*"}).status_code == 204


@pytest.mark.parametrize("value", ['W/"1"', "1", '"1', '"one"', '"1", junk', ", ".join(['"1"'] * 11)])
def test_a_malformed_if_match_is_a_clear_400_and_changes_nothing(user: TestUser, value: str) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    refused = user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"company": "Nope"}, headers={"If-Match": value})
    assert (refused.status_code, _code(refused)) == (400, "invalid_if_match")
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").json() == lead


def test_if_match_lists_and_body_versions_follow_one_rule(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    either = user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"notes": "a"}, headers={"If-Match": '"5", "1"'})
    assert either.status_code == 200
    preferences = user.api.get("/v1/me/preferences").json()
    disagreeing = user.api.patch(
        "/v1/me/preferences", json={"location_enabled": True, "version": 0}, headers={"If-Match": '"3"'}
    )
    assert (disagreeing.status_code, _code(disagreeing)) == (422, "version_mismatch")
    assert user.api.get("/v1/me/preferences").json() == preferences


def test_timestamps_are_utc_with_milliseconds_and_z_whatever_offset_came_in(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    activity = user.api.post(
        f"/v1/leads/{lead['lead_id']}/activities", json={"type": "meeting", "at": "2026-05-01T10:00:00.5+05:30"}
    ).json()
    assert activity["at"] == "2026-05-01T04:30:00.500Z"
    for value in (lead["created_at"], lead["updated_at"], activity["created_at"]):
        assert RFC3339_MS_Z.match(value), value


def test_responses_with_personal_data_are_never_cached(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body())
    for response in (lead, user.api.get("/v1/leads"), user.api.get("/v1/me"), user.api.get("/v1/me/preferences")):
        assert response.headers["Cache-Control"] == "no-store"
