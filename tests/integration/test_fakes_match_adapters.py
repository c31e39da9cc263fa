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

from shared.core.dynamodb import cancelled_by_condition, error_code
from shared.imports.lead_ids import import_id_range, imported_lead_id
from shared.imports.repository import (
    LEASE_SECONDS,
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
from shared.leads.contacts import ContactKey
from shared.leads.repository import ContactTaken, DynamoLeadRepository, LeadRecord, LeadRepository, LeadUnreachable
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
    """A conditional write refused, alone or as a transaction's first item."""
    return error_code(error) == "ConditionalCheckFailedException" or cancelled_by_condition(error, 0)


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
    assert leads.owners(owner, [("phone", both.phone or ""), ("email", "both@example.com")]) == {
        ("email", "both@example.com"): both.lead_id
    }


def test_clearing_both_contacts_in_one_update_is_refused_and_changes_nothing(leads: LeadRepository) -> None:
    owner = _user()
    both = _lead(1, email="both@example.com")
    leads.create(owner, both)
    with pytest.raises(LeadUnreachable):
        leads.update(owner, both.lead_id, {"phone": None, "email": None}, NOW)
    assert leads.get(owner, both.lead_id) == both


def test_a_phone_or_email_belongs_to_one_lead_of_its_owner(leads: LeadRepository) -> None:
    owner, other = _user(), _user()
    first = _lead(1, email="Ravi@Example.com")
    leads.create(owner, first)
    leads.create(other, _lead(2, phone=first.phone, email="ravi@example.com"))  # another user: allowed
    with pytest.raises(ContactTaken) as taken:
        leads.create(owner, _lead(3, phone="+919810000003", email="RAVI@example.com"))
    assert (taken.value.contact, taken.value.owner) == (("email", "ravi@example.com"), first.lead_id)
    second = _lead(4, phone="+919810000004")
    leads.create(owner, second)
    with pytest.raises(ContactTaken):
        leads.update(owner, second.lead_id, {"phone": first.phone}, NOW)
    assert leads.get(owner, second.lead_id) == second
    assert leads.owners(owner, [("phone", first.phone or ""), ("email", "ravi@example.com"), ("phone", "+1")]) == {
        ("phone", first.phone or ""): first.lead_id,
        ("email", "ravi@example.com"): first.lead_id,
    }


def test_contacts_move_with_an_update_and_leave_with_a_delete(leads: LeadRepository) -> None:
    owner = _user()
    lead = _lead(1, email="a@example.com")
    leads.create(owner, lead)
    leads.update(owner, lead.lead_id, {"phone": "+919800000001", "email": "B@example.com"}, NOW)
    old: list[ContactKey] = [("phone", lead.phone or ""), ("email", "a@example.com")]
    new: list[ContactKey] = [("phone", "+919800000001"), ("email", "b@example.com")]
    assert leads.owners(owner, [*old, *new]) == {contact: lead.lead_id for contact in new}
    reuse = _lead(2, phone=lead.phone, email="a@example.com")
    leads.create(owner, reuse)  # the old values are free again
    assert leads.delete(owner, lead.lead_id)
    assert leads.owners(owner, [*old, *new]) == {contact: reuse.lead_id for contact in old}


def test_put_many_overwrites_the_same_ids_and_delete_answers_whether_it_deleted(leads: LeadRepository) -> None:
    owner = _user()
    batch = [_lead(i) for i in range(30)]
    leads.put_many(owner, batch)
    leads.put_many(owner, batch)
    assert len(leads.page(owner, 100, None, None).items) == 30
    assert leads.delete(owner, batch[0].lead_id)
    assert not leads.delete(owner, batch[0].lead_id)
    assert leads.get(owner, batch[0].lead_id) is None


def test_an_imports_leads_are_found_by_id_range_and_only_unchanged_ones_removed(leads: LeadRepository) -> None:
    owner, import_id = _user(), str(ULID.from_datetime(NOW))
    first, last = import_id_range(import_id)
    imported = [replace(_lead(i), lead_id=imported_lead_id(import_id, i + 2), imported_by=import_id) for i in range(6)]
    leads.put_many(owner, imported)
    leads.create(owner, _lead(40))  # another lead, outside the range
    found = leads.in_id_range(owner, first, last, None, 4)
    assert [lead.lead_id for lead in found] == [lead.lead_id for lead in imported[:4]]
    rest = leads.in_id_range(owner, first, last, found[-1].lead_id, 4)
    assert [lead.lead_id for lead in rest] == [lead.lead_id for lead in imported[4:]]
    assert found[0] == imported[0]
    edited = leads.update(owner, imported[1].lead_id, {"company": "Edited"}, NOW)
    assert edited is not None
    assert edited.imported_by is None  # changed by someone else: no longer the import's to undo
    removed = leads.remove_imported(owner, import_id, [*found, *rest])
    assert removed == [lead.lead_id for lead in imported if lead.lead_id != imported[1].lead_id]
    assert [lead.lead_id for lead in leads.in_id_range(owner, first, last, None, 10)] == [imported[1].lead_id]
    assert leads.owners(owner, [("phone", imported[0].phone or "")]) == {}  # contact items went too
    assert leads.removed_in_range(owner, import_id, first, None, last) == 5
    assert leads.removed_in_range(owner, import_id, first, imported[2].lead_id, last) == 3
    assert leads.removed_in_range(owner, str(ULID()), first, None, last) == 0
    assert leads.remove_imported(owner, import_id, found) == []  # gone or changed: nothing again


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


def test_one_lease_per_user_taken_with_the_start_free_at_its_deadline_or_at_the_end(jobs: ImportRepository) -> None:
    user = _user()
    first, second = _job(jobs, user), _job(jobs, user, 1)
    waiting, running = ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING
    assert jobs.lease_holder(user, NOW) is None
    assert jobs.begin(user, first, waiting, running, NOW) == "begun"
    assert (jobs.lease_holder(user, NOW), jobs.user_of(first)) == (first, user)
    assert jobs.begin(user, second, waiting, running, NOW) == "busy"
    assert jobs.begin(user, first, waiting, running, NOW) == "not_in_status"
    second_job = jobs.get(user, second)
    assert second_job is not None
    assert (second_job.status, jobs.user_of(second)) == (waiting, None)  # all or nothing
    deadline = NOW + timedelta(seconds=LEASE_SECONDS)
    assert jobs.lease_holder(user, deadline - timedelta(seconds=1)) == first
    assert jobs.lease_holder(user, deadline) is None  # a crashed import frees its user in time
    jobs.end(user, second)  # not the holder: releases nothing
    assert jobs.lease_holder(user, NOW) == first
    jobs.end(user, first)
    assert (jobs.lease_holder(user, NOW), jobs.user_of(first)) == (None, None)
    assert jobs.begin(user, second, waiting, running, NOW) == "begun"
    assert jobs.lease_holder(_user(), NOW) is None


def test_undo_commits_once_per_cursor_position_and_only_while_undoing(jobs: ImportRepository) -> None:
    user = _user()
    import_id = _job(jobs, user)
    jobs.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.SUCCEEDED, NOW)
    assert not jobs.commit_undo(user, import_id, None, "A", 3, 1)
    later = NOW + timedelta(days=2)
    assert jobs.begin(user, import_id, ImportStatus.SUCCEEDED, ImportStatus.UNDOING, later, lease_s=60) == "begun"
    assert jobs.commit_undo(user, import_id, None, "A", 3, 1)
    assert not jobs.commit_undo(user, import_id, None, "A", 3, 1)
    assert jobs.commit_undo(user, import_id, "A", "B", 2, 0)
    assert jobs.transition(user, import_id, ImportStatus.UNDOING, ImportStatus.UNDONE, later)
    job = jobs.get(user, import_id)
    assert job is not None
    assert (job.status, job.undo_after, job.leads_removed, job.leads_kept) == ("undone", "B", 5, 1)
    assert (job.undo_started_at, job.undo_finished_at, job.finished_at) == (later, later, NOW)
    assert jobs.lease_holder(user, later + timedelta(seconds=60)) is None  # the lease undo asked for


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
    bound = record._replace(browser="browser-a")
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
