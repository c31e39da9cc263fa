"""NUL and bidirectional formatting controls through the API (the rules: shared/core/text.py).

Typed text is refused with 422 and the usual error shape (the field and ``invalid_characters``,
never the value), and nothing is stored; SMS bodies and phone numbers arrive from elsewhere, so
those characters are removed and the rest is kept. Every other field is covered by the variants
of tests/e2e/test_malformed_input.py, generated from the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import TestUser, enable_features, new_lead_body

pytestmark = pytest.mark.e2e


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"field": field, "type": "invalid_characters"} in error["details"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ravi\x00 Kumar"),
        ("name", "Ravi \u202egnp.exe"),
        ("name", "Ravi \u2067Kumar"),
        ("company", "Acme\x1b[31m Traders"),
        ("notes", "call back\x00"),
    ],
    ids=["name NUL", "name RLO", "name RLI", "company ESC", "notes NUL"],
)
def test_a_lead_with_controls_in_typed_text_is_refused_and_not_stored(user: TestUser, field: str, value: str) -> None:
    before = user.api.get("/v1/leads").json()["items"]
    _refused(user.api.post("/v1/leads", json=new_lead_body(**{field: value})), f"body.{field}")
    assert user.api.get("/v1/leads").json()["items"] == before

    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    _refused(user.api.patch(f"/v1/leads/{lead['lead_id']}", json={field: value}), f"body.{field}")
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").json() == lead


def test_a_profile_name_with_a_bidi_override_is_refused(user: TestUser) -> None:
    _refused(user.api.patch("/v1/me", json={"name": "Asha \u202eoaR"}), "body.name")
    assert user.api.get("/v1/me").json()["name"] == user.name


def test_sms_bodies_and_phone_numbers_have_them_removed(user: TestUser) -> None:
    enable_features(user, sms_sync_enabled=True, default_region="IN")
    lead_body = new_lead_body()
    wrapped = f"\u202a{lead_body['phone']}\u202c"  # as phones copied on Android often are
    lead = user.api.post("/v1/leads", json=lead_body | {"phone": wrapped})
    assert lead.status_code == 201, lead.text
    assert lead.json()["phone"] == lead_body["phone"]

    sms = {"number": wrapped, "direction": "incoming", "at": "2026-05-01T10:00:00Z", "body": "Pay\u202e now\x00\nok"}
    synced = user.api.post("/v1/device-logs/sync", json={"device_id": "install-text01", "sms": [sms]})
    assert synced.status_code == 200, synced.text
    assert synced.json()["created"] == 1
    items = user.api.get(f"/v1/leads/{lead.json()['lead_id']}/activities").json()["items"]
    assert [item["body"] for item in items] == ["Pay now\nok"]
