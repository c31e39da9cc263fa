"""The import workflow's steps (prepare, import_chunk, finalize) against the fakes: what Step
Functions would invoke, with the job store, lead store, vault and Sheets API in memory."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ulid import ULID

from shared.imports import steps
from shared.imports.errors import (
    AuthorizationExpired,
    HeaderRowOutOfRange,
    ImportInternalError,
    ImportNotRunning,
    StorageBusy,
)
from shared.imports.repository import ChunkCounts, ImportJob, SealedToken, epoch
from shared.imports.rows import RowError
from shared.imports.sealed import ImportAccess, SheetRequest
from shared.imports.status import ImportStatus
from shared.leads.repository import LeadRecord
from shared.privacy import Pii
from tests.fakes.imports import FakeImportRepository
from tests.fakes.leads import FakeLeadRepository
from tests.fakes.sheets import FakeSheets, Shown
from tests.fakes.vault import FakeVault

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
USER = "user-steps"
SPREADSHEET = "spreadsheet-steps"
TOKEN = "ya29.steps-token"
BLOCK_ROWS = 20
HEADER = ["Name", "Phone", "Email"]


def lead_rows(count: int) -> list[list[Any]]:
    return [[f"Lead {i}", f"+91 98{i:08d}", f"Lead{i}@Example.com"] for i in range(1, count + 1)]


def e164(i: int) -> str:
    return f"+9198{i:08d}"


class Import:
    """A running import of one sheet, as the OAuth callback leaves it, and the fakes around it."""

    def __init__(
        self,
        rows: list[list[Any]],
        *,
        on_duplicate: str = "skip",
        header_row: int = 1,
        jobs: FakeImportRepository | None = None,
    ) -> None:
        self.jobs = jobs or FakeImportRepository()
        self.leads, self.vault, self.google = FakeLeadRepository(), FakeVault(), FakeSheets()
        self.google.add(SPREADSHEET, [HEADER, *rows], title="Leads")
        self.import_id = str(ULID.from_datetime(NOW))
        self.jobs.create(USER, ImportJob(self.import_id, ImportStatus.AWAITING_AUTHORIZATION, on_duplicate, NOW))
        begun = self.jobs.begin(USER, self.import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, NOW)
        assert begun == "begun"
        access = ImportAccess(Pii(TOKEN), SheetRequest(SPREADSHEET, None, header_row, None))
        sealed = self.vault.seal(access.to_bytes(), user_id=USER, import_id=self.import_id)
        self.jobs.put_token(USER, self.import_id, SealedToken(sealed, epoch(NOW) + 3600))
        self.deps = steps.WorkerDeps(
            jobs=self.jobs,
            leads=self.leads,
            vault=self.vault,
            sheets=self.google.reader,
            block_rows=BLOCK_ROWS,
            default_region="IN",
            clock=lambda: NOW,
        )
        self.ids = {"import_id": self.import_id}  # all a step is given: the user is found by the id

    def job(self) -> ImportJob:
        job = self.jobs.get(USER, self.import_id)
        assert job is not None
        return job

    def prepare(self) -> steps.Cursor:
        return steps.prepare(self.deps, steps.StepInput(**self.ids))

    def chunk(self, next_row: int, last_row: int) -> steps.ChunkOutput:
        return steps.import_chunk(self.deps, steps.ChunkInput(**self.ids, next_row=next_row, last_row=last_row))

    def run(self) -> int:
        """prepare, then chunks until the cursor passes the last row; returns the chunk count."""
        cursor = self.prepare()
        chunks = 0
        while cursor.next_row <= cursor.last_row:
            cursor = self.chunk(cursor.next_row, cursor.last_row)
            chunks += 1
        return chunks


# --- prepare ------------------------------------------------------------------------------------


def test_prepare_resolves_the_columns_seals_them_and_sets_the_row_range() -> None:
    run = Import(lead_rows(50))
    before = run.jobs.tokens[(USER, run.import_id)]
    assert run.prepare() == steps.Cursor(next_row=2, last_row=51)
    job = run.job()
    assert (job.first_row, job.last_row, job.next_row) == (2, 51, 2)
    token = run.jobs.tokens[(USER, run.import_id)]
    assert token.expires_at == before.expires_at  # re-sealed, not extended
    sheet = ImportAccess.from_bytes(run.vault.open(token.sealed, user_id=USER, import_id=run.import_id)).sheet
    assert (sheet.sheet_title, sheet.columns) == ("Leads", {"name": (0,), "phone": (1,), "email": (2,)})
    # One metadata request and the header row; no cell below it.
    (reader,) = run.google.readers
    assert (reader.requests_made, reader.ranges, reader.closed) == (2, [("FORMATTED_VALUE", "'Leads'!A1:C1")], True)


def test_prepare_refuses_a_header_row_beyond_the_sheet() -> None:
    run = Import(lead_rows(5), header_row=7)
    with pytest.raises(HeaderRowOutOfRange):
        run.prepare()
    assert run.job().next_row is None
    assert all(reader.closed for reader in run.google.readers)


def _ended(run: Import) -> None:
    run.jobs.transition(USER, run.import_id, ImportStatus.RUNNING, ImportStatus.FAILED, NOW, "timeout")


def _token_deleted(run: Import) -> None:
    run.jobs.delete_token(USER, run.import_id)


def _token_expired(run: Import) -> None:
    run.deps = dataclasses.replace(run.deps, clock=lambda: NOW + timedelta(hours=1))


def _token_of_another_import(run: Import) -> None:
    access = ImportAccess(Pii(TOKEN), SheetRequest(SPREADSHEET, None, 1, None))
    sealed = run.vault.seal(access.to_bytes(), user_id=USER, import_id=str(ULID()))
    run.jobs.put_token(USER, run.import_id, SealedToken(sealed, epoch(NOW) + 3600))


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (_ended, ImportNotRunning),
        (_token_deleted, AuthorizationExpired),
        (_token_expired, AuthorizationExpired),
        (_token_of_another_import, ImportInternalError),
    ],
    ids=["job-ended", "token-deleted", "token-expired", "token-sealed-for-another-import"],
)
def test_a_step_reads_no_sheet_unless_its_job_runs_and_its_token_opens(change: Any, error: type[Exception]) -> None:
    run = Import(lead_rows(5))
    change(run)
    with pytest.raises(error):
        run.prepare()
    with pytest.raises(error):
        run.chunk(2, 6)
    assert run.google.requests_made == 0
    assert run.leads.stored(USER) == []


# --- import_chunk -------------------------------------------------------------------------------


def test_an_import_reads_the_sheet_block_by_block_and_writes_every_lead_once() -> None:
    run = Import(lead_rows(50))
    assert run.run() == 3  # rows 2-21, 22-41, 42-51
    job = run.job()
    assert (job.next_row, job.rows_read, job.leads_created, job.rows_skipped, job.errors) == (52, 50, 50, 0, [])
    stored = run.leads.stored(USER)
    assert sorted(lead.phone or "" for lead in stored) == [e164(i) for i in range(1, 51)]
    assert {lead.email for lead in stored} == {f"lead{i}@example.com" for i in range(1, 51)}
    assert {lead.source for lead in stored} == {"google_sheets"}
    assert run.google.requests_made == 2 + 3  # grid and header, then one request per block
    assert all(reader.closed for reader in run.google.readers)


def test_a_chunk_retried_after_its_commit_returns_the_committed_cursor_and_writes_nothing() -> None:
    run = Import(lead_rows(50))
    run.prepare()
    first = run.chunk(2, 51)
    assert (first.next_row, first.rows_read, first.leads_created) == (22, 20, 20)
    requests, writes = run.google.requests_made, run.leads.calls["put_many"]
    again = run.chunk(2, 51)  # Step Functions retried a chunk whose commit had landed
    assert again == steps.ChunkOutput(next_row=22, last_row=51)
    assert (run.google.requests_made, run.leads.calls["put_many"]) == (requests, writes)
    job = run.job()
    assert (job.next_row, job.rows_read, job.leads_created) == (22, 20, 20)
    assert len(run.leads.stored(USER)) == 20


class RacedJobs(FakeImportRepository):
    """Another attempt of the same chunk commits first, between this attempt's read and commit."""

    def commit_chunk(
        self,
        user_id: str,
        import_id: str,
        expected_next_row: int,
        next_row: int,
        counts: ChunkCounts,
        errors: list[RowError],
    ) -> bool:
        assert super().commit_chunk(user_id, import_id, expected_next_row, next_row, counts, errors)
        return super().commit_chunk(user_id, import_id, expected_next_row, next_row, counts, errors)


def test_a_chunk_that_loses_its_commit_to_another_attempt_returns_the_winners_cursor() -> None:
    run = Import(lead_rows(50), jobs=RacedJobs())
    run.prepare()
    output = run.chunk(2, 51)
    assert (output.next_row, output.leads_created) == (22, 0)  # counted by the winner only
    job = run.job()
    assert (job.next_row, job.rows_read, job.leads_created) == (22, 20, 20)
    assert len(run.leads.stored(USER)) == 20  # both attempts wrote the same deterministic ids


def test_a_chunk_ahead_of_the_committed_cursor_is_an_internal_error() -> None:
    run = Import(lead_rows(50))
    run.prepare()
    with pytest.raises(ImportInternalError):
        run.chunk(22, 51)  # rows 2-21 were never committed
    assert run.leads.stored(USER) == []


@pytest.mark.parametrize(
    ("on_duplicate", "counts", "kept"),
    [
        ("skip", (4, 0, 1), ("Old name", None)),
        ("update", (4, 1, 0), ("Lead 3", "lead3@example.com")),
    ],
)
def test_a_row_matching_an_existing_lead_is_skipped_or_fills_it_in(
    on_duplicate: str, counts: tuple[int, int, int], kept: tuple[str, str | None]
) -> None:
    run = Import(lead_rows(5), on_duplicate=on_duplicate)
    existing = LeadRecord(str(ULID.from_datetime(NOW - timedelta(days=1))), "Old name", "manual", NOW, NOW, e164(3))
    run.leads.create(USER, existing)
    run.run()
    job = run.job()
    assert (job.leads_created, job.leads_updated, job.rows_skipped) == counts
    stored = run.leads.get(USER, existing.lead_id)
    assert stored is not None
    assert (stored.name, stored.email) == kept
    assert len(run.leads.stored(USER)) == 5  # four new leads and the one that was there


def test_rows_that_cannot_be_leads_are_counted_and_kept_as_row_and_code_only() -> None:
    rows = [["Good", "+91 9800000001", ""], ["", "+91 9800000002", ""], ["Bad phone", "12", ""], ["", "", ""]]
    run = Import(rows)
    run.run()
    job = run.job()
    assert job.errors == [RowError(3, "missing_name"), RowError(4, "invalid_phone")]
    assert (job.rows_read, job.leads_created, job.rows_skipped) == (3, 1, 2)  # the empty row is no row


def test_a_phone_shown_in_scientific_notation_is_read_again_raw() -> None:
    """Sheets displays a long number as 9.19812E+11: its digits are only in the raw value."""
    run = Import([["Sci", Shown(919812345678, "9.19812E+11"), ""]])
    run.run()
    assert [lead.phone for lead in run.leads.stored(USER)] == ["+919812345678"]
    chunk_reader = run.google.readers[-1]
    assert [render for render, _ in chunk_reader.ranges] == ["FORMATTED_VALUE", "UNFORMATTED_VALUE"]
    assert chunk_reader.ranges[1][1] == "'Leads'!B2:B2"  # the phone column only


def test_a_chunk_writes_no_lead_once_the_account_is_being_deleted() -> None:
    run = Import(lead_rows(5))
    run.prepare()
    run.deps = dataclasses.replace(run.deps, account_revoked=lambda user_id: user_id == USER)
    with pytest.raises(ImportNotRunning):
        run.chunk(2, 6)
    assert run.leads.stored(USER) == []
    assert run.job().next_row == 2


def test_throttled_lead_writes_stop_the_chunk_without_moving_its_cursor() -> None:
    """StorageBusy is retried by the workflow: the cursor must still be where the chunk began."""
    run = Import(lead_rows(5))
    run.prepare()
    run.leads.throttled = True
    with pytest.raises(StorageBusy):
        run.chunk(2, 6)
    assert (run.job().next_row, run.job().rows_read) == (2, 0)
    run.leads.throttled = False
    assert run.chunk(2, 6).leads_created == 5


# --- finalize -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "error", "status", "error_code"),
    [
        ("succeeded", None, ImportStatus.SUCCEEDED, None),
        ("failed", "SheetAccessDenied", ImportStatus.FAILED, "sheet_access_denied"),
        ("failed", "States.Timeout", ImportStatus.FAILED, "timeout"),
        ("failed", "<script>alert(1)</script>", ImportStatus.FAILED, "internal_error"),  # codes: allow-list only
    ],
    ids=["succeeded", "step-error", "timeout", "unknown-error"],
)
def test_finalize_deletes_the_token_whatever_the_outcome(
    outcome: str, error: str | None, status: ImportStatus, error_code: str | None
) -> None:
    run = Import(lead_rows(5))
    result = steps.finalize(run.deps, steps.FinalizeInput(**run.ids, outcome=outcome, error=error))
    assert (result.status, result.error_code) == (status, error_code)
    assert run.jobs.tokens == {}
    job = run.job()
    assert (job.status, job.error_code, job.finished_at) == (status, error_code, NOW)


def test_finalize_deletes_the_token_of_a_job_that_already_ended() -> None:
    run = Import(lead_rows(5))
    _ended(run)
    steps.finalize(run.deps, steps.FinalizeInput(**run.ids, outcome="succeeded"))
    assert run.jobs.tokens == {}
    assert (run.job().status, run.job().error_code) == (ImportStatus.FAILED, "timeout")  # not overwritten
