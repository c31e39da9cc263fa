"""The lead repository against DynamoDB (moto): access patterns as written in repositories/keys.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from ulid import ULID

from shared.leads.repository import DynamoLeadRepository, LeadRecord, LeadUnreachable


@pytest.fixture(scope="module")
def repo(local_stack: Any) -> DynamoLeadRepository:
    client = boto3.client("dynamodb", endpoint_url=local_stack.moto_url, region_name=local_stack.region)
    return DynamoLeadRepository(client, local_stack.table_name)


def _lead(i: int, company: str = "Acme", phone: str | None = None, email: str | None = None) -> LeadRecord:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i)
    return LeadRecord(
        lead_id=str(ULID.from_datetime(at)),
        name=f"Lead {i}",
        source="manual",
        created_at=at,
        updated_at=at,
        phone=phone or f"+91981{i:07d}",
        email=email,
        company=company,
    )


def test_search_pages_through_more_leads_than_one_query_reads(repo: DynamoLeadRepository) -> None:
    user = f"user-{ULID()}"
    matches = set()
    for i in range(260):
        hit = i % 50 == 7
        lead = _lead(i, company="Needle Works" if hit else "Haystack Ltd")
        repo.create(user, lead)
        if hit:
            matches.add(lead.lead_id)
    found: list[str] = []
    after = None
    for _ in range(20):
        page = repo.page(user, limit=2, after=after, query="needle")
        found += [lead.lead_id for lead in page.items]
        after = page.last_lead_id
        if after is None:
            break
    assert sorted(found, reverse=True) == found  # newest first
    assert set(found) == matches
    assert len(found) == len(matches)  # no duplicates across pages


def test_contacts_are_found_within_their_owner_only_and_follow_an_update(repo: DynamoLeadRepository) -> None:
    owner, other = f"user-{ULID()}", f"user-{ULID()}"
    lead = _lead(1, phone="+919812345678", email="ravi@example.com")
    repo.create(owner, lead)
    repo.create(other, _lead(2, phone="+919812345678"))
    assert repo.owners(owner, [("phone", "+919812345678"), ("email", "ravi@example.com")]) == {
        ("phone", "+919812345678"): lead.lead_id,
        ("email", "ravi@example.com"): lead.lead_id,
    }
    repo.update(owner, lead.lead_id, {"phone": "+919800000001"}, datetime.now(UTC))
    assert repo.owners(owner, [("phone", "+919812345678"), ("phone", "+919800000001")]) == {
        ("phone", "+919800000001"): lead.lead_id
    }


def test_clearing_the_last_contact_field_is_refused_atomically(repo: DynamoLeadRepository) -> None:
    user = f"user-{ULID()}"
    lead = _lead(3)
    repo.create(user, lead)
    with pytest.raises(LeadUnreachable):
        repo.update(user, lead.lead_id, {"phone": None}, datetime.now(UTC))
    stored = repo.get(user, lead.lead_id)
    assert stored is not None
    assert stored.phone == lead.phone
    assert repo.update(user, "01J00000000000000000000000", {"company": "x"}, datetime.now(UTC)) is None
