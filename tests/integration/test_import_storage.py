"""Import storage against moto: single-use states, TTL-bounded tokens read as gone once expired,
KMS seals bound to their import, exactly-once chunk commits, and batched lead writes that retry
what DynamoDB leaves unprocessed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from ulid import ULID

from shared.core.dynamodb import UnprocessedItems
from shared.core.retry import Backoff
from shared.imports.repository import (
    ChunkCounts,
    DynamoImportRepository,
    ImportJob,
    OAuthStateRecord,
    SealedToken,
    epoch,
)
from shared.imports.rows import RowError
from shared.imports.status import ImportStatus
from shared.imports.vault import KmsVault, SealBroken
from shared.leads.repository import DynamoLeadRepository, LeadRecord

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def dynamodb(local_stack: Any) -> Any:
    return boto3.client("dynamodb", endpoint_url=local_stack.moto_url, region_name=local_stack.region)


@pytest.fixture(scope="module")
def repo(dynamodb: Any, local_stack: Any) -> DynamoImportRepository:
    return DynamoImportRepository(dynamodb, local_stack.table_name)


@pytest.fixture(scope="module")
def vault(local_stack: Any) -> KmsVault:
    kms = boto3.client("kms", endpoint_url=local_stack.moto_url, region_name=local_stack.region)
    return KmsVault(kms, local_stack.import_key_id)


def _job(repo: DynamoImportRepository, user: str, status: str = ImportStatus.RUNNING) -> str:
    import_id = str(ULID())
    repo.create(
        user,
        ImportJob(import_id=import_id, status=ImportStatus.AWAITING_AUTHORIZATION, on_duplicate="skip", created_at=NOW),
    )
    if status == ImportStatus.RUNNING:
        assert repo.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
    return import_id


def test_an_oauth_state_can_be_consumed_once(repo: DynamoImportRepository) -> None:
    record = OAuthStateRecord(user_id="u1", import_id=str(ULID()), sealed=b"\x00sealed\xff", created_at=NOW)
    state_hash = str(ULID()).lower()
    repo.put_state(state_hash, record, expires_at=epoch(NOW) + 600)
    assert repo.consume_state(state_hash) == record
    assert repo.consume_state(state_hash) is None


def test_a_token_past_its_expiry_reads_as_gone_before_ttl_deletes_it(repo: DynamoImportRepository) -> None:
    user, import_id = f"user-{ULID()}", str(ULID())
    repo.put_token(user, import_id, SealedToken(sealed=b"ciphertext", expires_at=epoch(NOW) + 3600))
    assert repo.get_token(user, import_id, epoch(NOW)) == SealedToken(b"ciphertext", epoch(NOW) + 3600)
    assert repo.get_token(user, import_id, epoch(NOW) + 3600) is None  # still stored, never served
    repo.delete_token(user, import_id)
    assert repo.get_token(user, import_id, epoch(NOW)) is None


def test_a_seal_opens_only_for_its_own_user_and_import(vault: KmsVault) -> None:
    user, import_id = "user-a", str(ULID())
    secret = b'{"t": "ya29.secret-token"}'
    sealed = vault.seal(secret, user_id=user, import_id=import_id)
    assert b"ya29" not in sealed
    assert vault.open(sealed, user_id=user, import_id=import_id) == secret
    with pytest.raises(SealBroken):
        vault.open(sealed, user_id=user, import_id=str(ULID()))
    with pytest.raises(SealBroken):
        vault.open(sealed, user_id="user-b", import_id=import_id)


def test_a_chunk_commits_once_per_cursor_position(repo: DynamoImportRepository) -> None:
    user = f"user-{ULID()}"
    import_id = _job(repo, user)
    assert repo.set_range(user, import_id, first_row=2, last_row=100)
    counts = ChunkCounts(rows_read=40, leads_created=38, leads_updated=0, rows_skipped=2)
    errors = [RowError(5, "invalid_phone"), RowError(9, "missing_name")]
    assert repo.commit_chunk(user, import_id, 2, 42, counts, errors)
    assert not repo.commit_chunk(user, import_id, 2, 42, counts, errors)  # a re-run: no effect
    job = repo.get(user, import_id)
    assert job is not None
    assert (job.next_row, job.rows_read, job.leads_created, job.rows_skipped) == (42, 40, 38, 2)
    assert job.errors == errors
    assert repo.transition(user, import_id, ImportStatus.RUNNING, "failed", NOW, "timeout")
    assert not repo.commit_chunk(user, import_id, 42, 82, counts, [])  # not running any more


def test_status_changes_only_from_the_expected_status(repo: DynamoImportRepository) -> None:
    user = f"user-{ULID()}"
    import_id = _job(repo, user, status=ImportStatus.AWAITING_AUTHORIZATION)
    assert repo.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, "cancelled", NOW)
    assert not repo.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
    assert not repo.transition(
        user, str(ULID()), ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW
    )  # no such job: no item made
    assert repo.get(user, import_id).status == "cancelled"  # type: ignore[union-attr]


class ThrottlingClient:
    """DynamoDB that leaves part of the first few batches unprocessed, as under throttling."""

    def __init__(self, real: Any, unprocessed_batches: int) -> None:
        self._real = real
        self.left = unprocessed_batches
        self.calls = 0

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        self.calls += 1
        ((table, requests),) = RequestItems.items()
        if self.left:
            self.left -= 1
            keep, unprocessed = requests[: len(requests) // 2], requests[len(requests) // 2 :]
            self._real.batch_write_item(RequestItems={table: keep})
            return {"UnprocessedItems": {table: unprocessed}}
        return dict(self._real.batch_write_item(RequestItems=RequestItems))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _leads(count: int) -> list[LeadRecord]:
    return [
        LeadRecord(str(ULID()), f"Lead {i}", "google_sheets", NOW, NOW, phone=f"+9198{i:08d}") for i in range(count)
    ]


def test_unprocessed_items_are_retried_until_every_lead_is_written(dynamodb: Any, local_stack: Any) -> None:
    user = f"user-{ULID()}"
    client = ThrottlingClient(dynamodb, unprocessed_batches=3)
    repo = DynamoLeadRepository(client, local_stack.table_name)
    delays: list[float] = []
    leads = _leads(30)  # a lead and its phone's contact item each: 3 batches of 25, 25, 10 items
    stats = repo.put_many(user, leads, backoff=Backoff(sleep=delays.append))
    assert stats.calls == 3 + 3  # every batch once, plus one retry for each of the throttled ones
    assert stats.retried_items > 0
    assert len(delays) == 3
    assert all(0 <= delay <= 2.0 for delay in delays)
    stored = DynamoLeadRepository(dynamodb, local_stack.table_name).page(user, 100, None, None).items
    assert sorted(lead.lead_id for lead in stored) == sorted(lead.lead_id for lead in leads)


def test_writes_still_unprocessed_after_every_attempt_raise(dynamodb: Any, local_stack: Any) -> None:
    client = ThrottlingClient(dynamodb, unprocessed_batches=100)
    repo = DynamoLeadRepository(client, local_stack.table_name)
    with pytest.raises(UnprocessedItems):
        repo.put_many(f"user-{ULID()}", _leads(25), backoff=Backoff(max_attempts=4, sleep=lambda _: None))
    assert client.calls == 4


def test_put_many_overwrites_the_same_ids_instead_of_adding(dynamodb: Any, local_stack: Any) -> None:
    user = f"user-{ULID()}"
    repo = DynamoLeadRepository(dynamodb, local_stack.table_name)
    leads = _leads(30)
    repo.put_many(user, leads)
    repo.put_many(user, leads)  # a re-run
    assert len(repo.page(user, 100, None, None).items) == 30
    assert repo.owners(user, [("phone", leads[0].phone or "")]) == {("phone", leads[0].phone or ""): leads[0].lead_id}
