"""The fakes in tests/fakes against their real adapters: every check runs on both (moto for
DynamoDB and KMS), so a unit test that passes on a fake relies only on what the real adapter does.

What is checked is what the logic relies on: conditional writes, not-found answers, ordering,
single use, expiry. Where DynamoDB may hand out a cursor at the very end of a listing, the checks
accept an empty last page.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from ulid import ULID

from shared.imports.repository import (
    ChunkCounts,
    DynamoImportRepository,
    ImportJob,
    ImportRepository,
    OAuthStateRecord,
    SealedToken,
    epoch,
)
from shared.imports.rows import RowError
from shared.imports.status import ImportStatus
from shared.imports.vault import KmsVault, SealBroken, Vault
from shared.leads.repository import DynamoLeadRepository, LeadRecord, LeadRepository, LeadUnreachable
from tests.fakes.imports import FakeImportRepository
from tests.fakes.leads import FakeLeadRepository
from tests.fakes.vault import FakeVault

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _dynamodb(request: pytest.FixtureRequest) -> tuple[Any, str]:
    stack = request.getfixturevalue("local_stack")
    return boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name=stack.region), stack.table_name


@pytest.fixture(params=["fake", "dynamodb"])
def leads(request: pytest.FixtureRequest) -> LeadRepository:
    if request.param == "fake":
        return FakeLeadRepository()
    return DynamoLeadRepository(*_dynamodb(request))


@pytest.fixture(params=["fake", "dynamodb"])
def jobs(request: pytest.FixtureRequest) -> ImportRepository:
    if request.param == "fake":
        return FakeImportRepository()
    return DynamoImportRepository(*_dynamodb(request))


@pytest.fixture(params=["fake", "kms"])
def vault(request: pytest.FixtureRequest) -> Vault:
    if request.param == "fake":
        return FakeVault()
    stack = request.getfixturevalue("local_stack")
    kms = boto3.client("kms", endpoint_url=stack.moto_url, region_name=stack.region)
    return KmsVault(kms, stack.import_key_id)


def _user() -> str:
    return f"user-{ULID()}"


def _lead(minute: int, **fields: Any) -> LeadRecord:
    at = NOW + timedelta(minutes=minute)
    values: dict[str, Any] = {"phone": f"+91981{minute:07d}"} | fields
    return LeadRecord(str(ULID.from_datetime(at)), f"Lead {minute}", "manual", at, at, **values)


def _all_pages(read: Any) -> list[str]:
    """Follow cursors to the end; ``read(after)`` returns (ids, next cursor)."""
    found: list[str] = []
    after = None
    for _ in range(50):
        ids, after = read(after)
        found += ids
        if after is None:
            return found
    raise AssertionError("the cursor never ended")


def _condition_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


# --- leads --------------------------------------------------------------------------------------


def test_a_lead_is_created_once_and_read_back_by_its_owner_only(leads: LeadRepository) -> None:
    owner = _user()
    lead = _lead(1, email="asha@example.com", company="Acme", tags=["hot", "fair"])
    leads.create(owner, lead)
    assert leads.get(owner, lead.lead_id) == lead
    assert leads.get(_user(), lead.lead_id) is None
    with pytest.raises(ClientError) as refused:
        leads.create(owner, lead)
    assert _condition_failed(refused.value)


def test_leads_page_newest_first_and_a_cursor_resumes_without_repeats(leads: LeadRepository) -> None:
    owner = _user()
    created = [_lead(i) for i in range(7)]
    for lead in created:
        leads.create(owner, lead)

    def read(after: str | None) -> tuple[list[str], str | None]:
        page = leads.page(owner, 3, after, None)
        return [lead.lead_id for lead in page.items], page.last_lead_id

    assert _all_pages(read) == [lead.lead_id for lead in reversed(created)]


def test_a_search_matches_fields_ignoring_case_and_the_phones_plus(leads: LeadRepository) -> None:
    owner = _user()
    created = [_lead(i, company="Needle Works" if i % 4 == 1 else "Haystack") for i in range(12)]
    for lead in created:
        leads.create(owner, lead)
    needles = [lead.lead_id for lead in reversed(created) if lead.company == "Needle Works"]

    def read(after: str | None) -> tuple[list[str], str | None]:
        page = leads.page(owner, 2, after, "NEEDLE")
        return [lead.lead_id for lead in page.items], page.last_lead_id

    assert _all_pages(read) == needles
    by_phone = leads.page(owner, 10, None, "+91981000000")  # leads 0-9, not 10 and 11
    assert len(by_phone.items) == 10


def test_a_search_that_reads_its_budget_without_a_match_answers_with_a_cursor(leads: LeadRepository) -> None:
    """A filtered listing reads at most MAX_FILTERED_PAGES pages of leads: then it answers with
    what it found (here nothing) and where to resume."""
    owner = _user()
    needle = _lead(0, company="Needle Works")
    leads.put_many(owner, [needle, *(_lead(i, company="Haystack") for i in range(1, 511))])
    first = leads.page(owner, 1, None, "needle")
    assert (first.items, first.last_lead_id is not None) == ([], True)
    second = leads.page(owner, 1, first.last_lead_id, "needle")
    assert [lead.lead_id for lead in second.items] == [needle.lead_id]


def test_an_update_refuses_to_clear_the_only_contact_and_answers_none_when_missing(leads: LeadRepository) -> None:
    owner = _user()
    phone_only, both = _lead(1), _lead(2, email="both@example.com")
    leads.create(owner, phone_only)
    leads.create(owner, both)
    with pytest.raises(LeadUnreachable):
        leads.update(owner, phone_only.lead_id, {"phone": None}, NOW)
    assert leads.get(owner, phone_only.lead_id) == phone_only
    assert leads.update(owner, str(ULID()), {"company": "x"}, NOW) is None
    assert leads.update(_user(), phone_only.lead_id, {"company": "x"}, NOW) is None
    cleared = leads.update(owner, both.lead_id, {"phone": None, "company": "Acme"}, NOW + timedelta(hours=1))
    assert cleared is not None
    assert (cleared.phone, cleared.email, cleared.company) == (None, "both@example.com", "Acme")
    assert cleared.updated_at == NOW + timedelta(hours=1)
    assert leads.find_by_phone(owner, both.phone or "") == []


def test_clearing_both_contacts_in_one_update_passes_the_condition(leads: LeadRepository) -> None:
    """Each field sees the other still stored: the logic, not the repository, refuses this."""
    owner = _user()
    both = _lead(1, email="both@example.com")
    leads.create(owner, both)
    cleared = leads.update(owner, both.lead_id, {"phone": None, "email": None}, NOW)
    assert cleared is not None
    assert (cleared.phone, cleared.email) == (None, None)


def test_leads_are_found_by_phone_and_email_within_their_owner_oldest_first(leads: LeadRepository) -> None:
    owner = _user()
    first, second = _lead(1, email="Ravi@Example.com"), _lead(2, phone="+919810000001", email="ravi@example.com")
    for lead in (second, first):
        leads.create(owner, lead)
    leads.create(_user(), _lead(3, phone="+919810000001"))
    assert leads.find_by_phone(owner, "+919810000001") == [first.lead_id, second.lead_id]
    assert leads.find_by_email(owner, "RAVI@example.com") == [first.lead_id, second.lead_id]
    assert leads.find_by_phone(owner, "+919899999999") == []


def test_put_many_overwrites_the_same_ids_and_delete_answers_whether_it_deleted(leads: LeadRepository) -> None:
    owner = _user()
    batch = [_lead(i) for i in range(30)]
    leads.put_many(owner, batch)
    leads.put_many(owner, batch)
    assert len(leads.page(owner, 100, None, None).items) == 30
    assert leads.delete(owner, batch[0].lead_id)
    assert not leads.delete(owner, batch[0].lead_id)
    assert leads.get(owner, batch[0].lead_id) is None


# --- import jobs, states and tokens -------------------------------------------------------------


def _job(jobs: ImportRepository, user: str, minute: int = 0) -> str:
    import_id = str(ULID.from_datetime(NOW + timedelta(minutes=minute)))
    jobs.create(user, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", NOW))
    return import_id


def test_a_job_is_created_once_and_changes_status_only_from_the_expected_one(jobs: ImportRepository) -> None:
    user = _user()
    import_id = _job(jobs, user)
    with pytest.raises(ClientError) as refused:
        jobs.create(user, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", NOW))
    assert _condition_failed(refused.value)
    assert jobs.get(_user(), import_id) is None
    assert not jobs.transition(user, import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, NOW)
    assert jobs.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
    later = NOW + timedelta(minutes=5)
    assert jobs.transition(user, import_id, ImportStatus.RUNNING, ImportStatus.FAILED, later, "timeout")
    job = jobs.get(user, import_id)
    assert job is not None
    assert (job.status, job.started_at, job.finished_at, job.error_code) == ("failed", NOW, later, "timeout")
    assert not jobs.transition(user, str(ULID()), ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
    assert jobs.get(user, import_id) == job  # refused transitions changed nothing


def test_a_chunk_commits_once_per_cursor_position_and_only_while_running(jobs: ImportRepository) -> None:
    user = _user()
    import_id = _job(jobs, user)
    assert not jobs.set_range(user, import_id, 2, 100)  # not running yet
    jobs.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
    assert jobs.set_range(user, import_id, 2, 100)
    counts = ChunkCounts(rows_read=40, leads_created=38, rows_skipped=2)
    errors = [RowError(5, "invalid_phone"), RowError(9, "missing_name")]
    assert jobs.commit_chunk(user, import_id, 2, 42, counts, errors)
    assert not jobs.commit_chunk(user, import_id, 2, 42, counts, errors)
    assert jobs.commit_chunk(user, import_id, 42, 82, counts, [RowError(50, "invalid_email")])
    job = jobs.get(user, import_id)
    assert job is not None
    assert (job.first_row, job.last_row, job.next_row, job.rows_read, job.leads_created) == (2, 100, 82, 80, 76)
    assert job.errors == [*errors, RowError(50, "invalid_email")]
    jobs.transition(user, import_id, ImportStatus.RUNNING, ImportStatus.CANCELLED, NOW)
    assert not jobs.commit_chunk(user, import_id, 82, 100, counts, [])
    assert not jobs.set_range(user, import_id, 2, 100)


def test_jobs_page_newest_first(jobs: ImportRepository) -> None:
    user = _user()
    created = [_job(jobs, user, minute) for minute in range(5)]

    def read(after: str | None) -> tuple[list[str], str | None]:
        page, last = jobs.page(user, 2, after)
        return [job.import_id for job in page], last

    assert _all_pages(read) == list(reversed(created))


def test_an_oauth_state_is_stored_once_and_consumed_once(jobs: ImportRepository) -> None:
    state_hash = f"{ULID()}".lower()
    record = OAuthStateRecord(user_id=_user(), import_id=str(ULID()), sealed=b"\x00sealed\xff", created_at=NOW)
    jobs.put_state(state_hash, record, expires_at=epoch(NOW) + 600)
    with pytest.raises(ClientError) as refused:
        jobs.put_state(state_hash, record, expires_at=epoch(NOW) + 600)
    assert _condition_failed(refused.value)
    assert jobs.consume_state(state_hash) == record
    assert jobs.consume_state(state_hash) is None
    assert jobs.consume_state("never-stored") is None


def test_an_oauth_state_is_read_freely_and_bound_to_the_first_browser_only(jobs: ImportRepository) -> None:
    state_hash = f"{ULID()}".lower()
    record = OAuthStateRecord(user_id=_user(), import_id=str(ULID()), sealed=b"\x00sealed\xff", created_at=NOW)
    assert jobs.read_state(state_hash) is None
    assert jobs.bind_state(state_hash, "browser-a") is None  # nothing to bind
    jobs.put_state(state_hash, record, expires_at=epoch(NOW) + 600)
    assert jobs.read_state(state_hash) == record
    bound = replace(record, browser="browser-a")
    assert jobs.bind_state(state_hash, "browser-a") == bound
    assert jobs.bind_state(state_hash, "browser-a") == bound  # the same browser continues again
    assert jobs.bind_state(state_hash, "browser-b") is None
    assert jobs.read_state(state_hash) == bound
    assert jobs.consume_state(state_hash) == bound
    assert jobs.bind_state(state_hash, "browser-a") is None
    assert jobs.read_state(state_hash) is None


def test_a_token_reads_as_gone_from_its_expiry_and_deleting_it_twice_is_fine(jobs: ImportRepository) -> None:
    user, import_id = _user(), str(ULID())
    token = SealedToken(sealed=b"ciphertext", expires_at=epoch(NOW) + 3600)
    jobs.put_token(user, import_id, token)
    assert jobs.get_token(user, import_id, epoch(NOW) + 3599) == token
    assert jobs.get_token(user, import_id, epoch(NOW) + 3600) is None
    assert jobs.get_token(_user(), import_id, epoch(NOW)) is None
    jobs.delete_token(user, import_id)
    jobs.delete_token(user, import_id)
    assert jobs.get_token(user, import_id, epoch(NOW)) is None


# --- vault --------------------------------------------------------------------------------------


def test_a_seal_hides_its_plaintext_and_opens_only_for_its_own_user_and_import(vault: Vault) -> None:
    user, import_id = _user(), str(ULID())
    secret = b'{"t": "ya29.contract-token"}'
    sealed = vault.seal(secret, user_id=user, import_id=import_id)
    assert b"ya29" not in sealed
    assert vault.open(sealed, user_id=user, import_id=import_id) == secret
    for other_user, other_import in ((user, str(ULID())), (_user(), import_id)):
        with pytest.raises(SealBroken):
            vault.open(sealed, user_id=other_user, import_id=other_import)
    with pytest.raises(ValueError, match="too large"):
        vault.seal(b"x" * 4097, user_id=user, import_id=import_id)
