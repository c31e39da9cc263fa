"""Lead rules that need no AWS: cursors, contact rules, one contact per request."""

import base64

import pytest
from pydantic import ValidationError

from shared.core.cursors import InvalidCursor
from shared.leads import logic as leads
from shared.leads.models import LeadCreate, LeadPatch


def test_cursor_round_trips_and_carries_only_a_lead_id() -> None:
    lead_id = "01JC0000000000000000000000"
    cursor = leads.encode_cursor(lead_id)
    assert leads.decode_cursor(cursor) == lead_id
    # What the cursor carries, decoded: a version prefix and the id, no partition key or user.
    carried = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert carried == f"l1:{lead_id}"
    assert "USER" not in carried


@pytest.mark.parametrize("cursor", ["", "not-base64!", "bDE6VVNFUiN4", "eyJway", "bDE6" + "A" * 40])
def test_tampered_cursors_are_a_client_error(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        leads.decode_cursor(cursor)


def test_a_lead_needs_a_phone_or_an_email() -> None:
    with pytest.raises(ValidationError):
        LeadCreate.model_validate({"name": "A"})
    assert LeadCreate.model_validate({"name": "A", "email": "a@example.com"}).email == "a@example.com"


def test_the_documented_schemas_say_what_the_models_refuse() -> None:
    """A generated body that the schema allows but the model refuses is a schema that says too
    little: a new lead without phone and email, a PATCH with no field or with a null name."""
    create = LeadCreate.model_json_schema()
    assert [branch["required"] for branch in create["anyOf"]] == [["phone"], ["email"]]
    patch = LeadPatch.model_json_schema()
    assert patch["minProperties"] == 1
    assert patch["properties"]["name"]["type"] == "string"
    for refused in ({}, {"name": None}):
        with pytest.raises(ValidationError):
            LeadPatch.model_validate(refused)


def test_a_lead_body_is_one_contact_never_a_contact_list() -> None:
    with pytest.raises(ValidationError):
        LeadCreate.model_validate([{"name": "A", "phone": "+919876543210"}, {"name": "B", "phone": "+919876543211"}])
    with pytest.raises(ValidationError):
        LeadCreate.model_validate({"name": "A", "phone": "+919876543210", "contacts": [{"name": "B"}]})


def test_patch_needs_a_change_and_cannot_clear_the_name() -> None:
    with pytest.raises(ValidationError):
        LeadPatch.model_validate({})
    with pytest.raises(ValidationError):
        LeadPatch.model_validate({"name": None})
    assert LeadPatch.model_validate({"company": None}).model_fields_set == {"company"}
