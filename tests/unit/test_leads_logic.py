"""Lead rules that need no AWS: cursors, contact rules, one contact per request, and the logic's
create / get / list / update / delete rules against the in-memory lead repository."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pydantic import ValidationError
from ulid import ULID

from shared.core.cursors import InvalidCursor
from shared.core.errors import NotFound
from shared.core.layout import file_object_key
from shared.leads import logic as leads
from shared.leads.models import LeadCreate, LeadPatch
from shared.leads.output import Lead
from tests.fakes.leads import FakeLeadRepository
from tests.fakes.object_store import FakeObjectStore

OWNER, OTHER = "user-owner", "user-other"
REGION = "IN"


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


# --- the logic against the fake repository --------------------------------------------------------


@pytest.fixture
def repo() -> FakeLeadRepository:
    return FakeLeadRepository()


def _create(repo: FakeLeadRepository, user_id: str = OWNER, **fields: Any) -> Lead:
    body = {"name": "Asha Rao", "phone": "+919812345678"} | fields
    return leads.create_lead(repo, user_id, LeadCreate.model_validate(body), REGION)


def _patch(repo: FakeLeadRepository, lead_id: str, user_id: str = OWNER, **fields: Any) -> Lead:
    return leads.update_lead(repo, user_id, lead_id, LeadPatch.model_validate(fields), REGION)


def test_a_new_lead_is_stored_normalized(repo: FakeLeadRepository) -> None:
    lead = _create(
        repo,
        phone="098123 45678",  # national format: the default region applies
        email="Asha.Rao@Example.COM",
        company="",
        tags=["hot", "fair", "hot"],
        source="phonebook",
    )
    assert (lead.phone, lead.email, lead.company, lead.tags) == (
        "+919812345678",
        "asha.rao@example.com",
        None,
        ["hot", "fair"],
    )
    assert lead.source == "phonebook"
    assert leads.get_lead(repo, OWNER, lead.lead_id) == lead


def test_a_phone_that_is_not_valid_stores_nothing(repo: FakeLeadRepository) -> None:
    with pytest.raises(leads.InvalidLeadPhone):
        _create(repo, phone="12345")
    assert repo.stored(OWNER) == []


def test_another_users_lead_is_not_found_for_every_operation(repo: FakeLeadRepository) -> None:
    """Tenancy is structural: the caller's id is part of every key, so another user's lead id
    names nothing — it is neither read, changed nor deleted."""
    theirs = _create(repo, OTHER)
    with pytest.raises(NotFound):
        leads.get_lead(repo, OWNER, theirs.lead_id)
    with pytest.raises(NotFound):
        _patch(repo, theirs.lead_id, name="Taken over")
    with pytest.raises(NotFound):
        leads.delete_lead(repo, lambda _user, _lead: 0, FakeObjectStore(), OWNER, theirs.lead_id)
    assert leads.get_lead(repo, OTHER, theirs.lead_id) == theirs


@pytest.mark.parametrize("lead_id", ["not-an-id", "USER#someone", ""])
def test_a_malformed_lead_id_is_not_found_without_a_read(repo: FakeLeadRepository, lead_id: str) -> None:
    with pytest.raises(NotFound):
        leads.get_lead(repo, OWNER, lead_id)
    with pytest.raises(NotFound):
        _patch(repo, lead_id, name="x")
    assert repo.calls["get"] == repo.calls["update"] == 0


def test_leads_list_newest_first_page_by_page_without_repeats(repo: FakeLeadRepository) -> None:
    created = [_create(repo, phone=f"+91981234{i:04d}").lead_id for i in range(7)]
    _create(repo, OTHER)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = leads.list_leads(repo, OWNER, limit=3, cursor=cursor, query=None)
        seen += [lead.lead_id for lead in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


def test_search_matches_any_field_ignoring_case_and_the_phones_plus(repo: FakeLeadRepository) -> None:
    acme = _create(repo, company="ACME Traders", phone="+919811111111")
    _create(repo, company="Other Co", phone="+919822222222")
    for query in ("acme", "  Acme ", "+9198111", "98111"):
        assert [lead.lead_id for lead in leads.list_leads(repo, OWNER, 10, None, query).items] == [acme.lead_id]


def test_an_update_normalizes_what_it_changes_and_clears_what_is_emptied(repo: FakeLeadRepository) -> None:
    lead = _create(repo, company="Acme", email="a@example.com")
    updated = _patch(repo, lead.lead_id, phone="020 1234 5678", phone_region="GB", email="New@Example.com", company="")
    assert (updated.phone, updated.email, updated.company) == ("+442012345678", "new@example.com", None)
    assert (updated.name, updated.created_at) == (lead.name, lead.created_at)
    assert leads.get_lead(repo, OWNER, lead.lead_id) == updated


def test_one_contact_field_can_be_cleared_while_the_other_remains(repo: FakeLeadRepository) -> None:
    lead = _create(repo, email="a@example.com")
    assert (_patch(repo, lead.lead_id, phone=None).phone, repo.owners(OWNER, [("phone", "+919812345678")])) == (
        None,
        {},
    )
    with pytest.raises(leads.LeadNeedsContact):
        _patch(repo, lead.lead_id, email=None)  # the repository refuses: it would be the last one
    assert leads.get_lead(repo, OWNER, lead.lead_id).email == "a@example.com"


def test_clearing_both_contact_fields_at_once_is_refused_before_any_write(repo: FakeLeadRepository) -> None:
    """The repository's condition lets this through (each field sees the other still stored):
    the logic must refuse it itself."""
    lead = _create(repo, email="a@example.com")
    with pytest.raises(leads.LeadNeedsContact):
        _patch(repo, lead.lead_id, phone=None, email=None)
    assert repo.calls["update"] == 0
    assert leads.get_lead(repo, OWNER, lead.lead_id) == lead


def test_a_lead_that_is_gone_cannot_be_updated(repo: FakeLeadRepository) -> None:
    with pytest.raises(NotFound):
        _patch(repo, str(ULID()), name="Nobody")
    assert repo.stored(OWNER) == []


def test_deleting_a_lead_sweeps_its_children_before_and_after_and_every_stored_file(
    repo: FakeLeadRepository,
) -> None:
    lead, kept = _create(repo), _create(repo, phone="+919800000009")
    store = FakeObjectStore()
    for own in ("file-a", "file-a", "file-b"):  # two versions of one file, one of another
        store.put(file_object_key(OWNER, lead.lead_id, own))
    store.put(file_object_key(OWNER, kept.lead_id, "file-c"))
    sweeps: list[tuple[str, str, bool]] = []

    def delete_children(user_id: str, lead_id: str) -> int:
        sweeps.append((user_id, lead_id, repo.get(user_id, lead_id) is not None))
        return 2

    leads.delete_lead(repo, delete_children, store, OWNER, lead.lead_id)
    # Once while the lead still exists, once after it is gone (a child created meanwhile).
    assert sweeps == [(OWNER, lead.lead_id, True), (OWNER, lead.lead_id, False)]
    assert store.versions == [file_object_key(OWNER, kept.lead_id, "file-c")]
    assert [record.lead_id for record in repo.stored(OWNER)] == [kept.lead_id]
    with pytest.raises(NotFound):
        leads.delete_lead(repo, delete_children, store, OWNER, lead.lead_id)
