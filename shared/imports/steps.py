"""The workflow's three Lambda steps: prepare, import one chunk, finalize.

Each takes and returns ids, counts and a row cursor only: Step Functions (whose history keeps
every state's input and output) never sees a cell, a header, a sheet title or a token. Cell
values live in memory for the duration of one chunk and are gone when it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shared.core.dynamodb import UnprocessedItems
from shared.core.ids import ULID_PATTERN
from shared.imports.errors import (
    AuthorizationExpired,
    HeaderRowOutOfRange,
    ImportInternalError,
    ImportNotRunning,
    StorageBusy,
    error_code_for,
)
from shared.imports.google.sheets import SheetGrid, a1_range
from shared.imports.mapping import last_column, resolve_columns
from shared.imports.repository import MAX_ERRORS, ChunkCounts, ImportJob, ImportRepository, SealedToken, epoch
from shared.imports.row_errors import RowError
from shared.imports.sealed import ImportAccess
from shared.imports.status import ImportStatus
from shared.imports.upsert import ContactKey, find_existing, plan_upserts
from shared.imports.vault import SealBroken, Vault
from shared.leads.repository import LeadRepository
from shared.privacy import Pii, get_logger

if TYPE_CHECKING:
    from shared.imports.rows import LeadDraft

logger = get_logger()


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    import_id: str = Field(pattern=f"^{ULID_PATTERN}$")
    user_id: str = Field(min_length=1, max_length=128)


class StepInput(_Step):
    pass


class ChunkInput(_Step):
    next_row: int = Field(ge=1)
    last_row: int = Field(ge=0)


class FinalizeInput(_Step):
    outcome: Literal["succeeded", "failed"]
    error: str | None = Field(default=None, max_length=100)


class Cursor(BaseModel):
    next_row: int
    last_row: int


class ChunkOutput(Cursor):
    rows_read: int = 0
    leads_created: int = 0
    leads_updated: int = 0
    rows_skipped: int = 0


class FinalizeOutput(BaseModel):
    status: str
    error_code: str | None = None


class SheetReader(Protocol):
    """What the steps need from the Sheets API (shared.imports.google.sheets.SheetsClient)."""

    requests_made: int

    def grid(self, spreadsheet_id: str, sheet_title: str | None) -> SheetGrid: ...
    def values(self, spreadsheet_id: str, a1: str, render: Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE"]) -> Any: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class WorkerDeps:
    jobs: ImportRepository
    leads: LeadRepository
    vault: Vault
    sheets: Callable[[Pii[str]], SheetReader]
    block_rows: int
    default_region: str
    clock: Callable[[], datetime]
    lookup_workers: int = 8
    # Whether the user's account is being deleted (its revocation marker): no lead is written then.
    account_revoked: Callable[[str], bool] = lambda _user_id: False


def _running_job(deps: WorkerDeps, step: _Step) -> ImportJob:
    job = deps.jobs.get(step.user_id, step.import_id)
    if job is None or job.status != ImportStatus.RUNNING:
        raise ImportNotRunning()
    return job


def _open_access(deps: WorkerDeps, step: _Step) -> tuple[ImportAccess, SealedToken]:
    token = deps.jobs.get_token(step.user_id, step.import_id, epoch(deps.clock()))
    if token is None:  # deleted, or past its ≤ 1 h lifetime
        raise AuthorizationExpired()
    try:
        plain = deps.vault.open(token.sealed, user_id=step.user_id, import_id=step.import_id)
    except SealBroken:
        raise ImportInternalError() from None
    return ImportAccess.from_bytes(plain), token


def prepare(deps: WorkerDeps, step: StepInput) -> Cursor:
    """Check the job, read the sheet's size and header row, resolve the columns to import.

    Integrations: DynamoDB (2 GetItem, PutItem, UpdateItem), KMS (Decrypt, Encrypt), Sheets API
    (spreadsheets.get with a fields mask, values.get of the header row).
    """
    _running_job(deps, step)
    access, token = _open_access(deps, step)
    request = access.sheet
    sheets = deps.sheets(access.access_token)
    try:
        grid = sheets.grid(request.spreadsheet_id, request.sheet_title)
        if request.header_row > grid.row_count or grid.column_count < 1:
            raise HeaderRowOutOfRange()
        header_range = a1_range(grid.title, 0, grid.column_count - 1, request.header_row, request.header_row)
        header_rows = sheets.values(request.spreadsheet_id, header_range, "FORMATTED_VALUE")
    finally:
        sheets.close()
    columns = resolve_columns(header_rows[0] if header_rows else [], request.mapping)
    del header_rows  # header cells are sheet data: only the column indexes go on
    resolved = ImportAccess(access_token=access.access_token, sheet=request.resolved(grid.title, columns))
    sealed = deps.vault.seal(resolved.to_bytes(), user_id=step.user_id, import_id=step.import_id)
    deps.jobs.put_token(step.user_id, step.import_id, SealedToken(sealed=sealed, expires_at=token.expires_at))
    first_row = request.header_row + 1
    if not deps.jobs.set_range(step.user_id, step.import_id, first_row, grid.row_count):
        raise ImportNotRunning()
    logger.info("import prepared", extra={"import_id": step.import_id, "rows_total": grid.row_count - first_row + 1})
    return Cursor(next_row=first_row, last_row=grid.row_count)


def _read_block(sheets: SheetReader, access: ImportAccess, first_row: int, last_row: int) -> list[list[Any]]:
    """The block's rows as displayed (FORMATTED_VALUE keeps a phone's leading zero). A phone that
    Sheets displays in scientific notation is re-read raw (UNFORMATTED_VALUE) for its digits."""
    from shared.imports.rows import cell_text, is_scientific  # the chunk step's: imported at its init

    request = access.sheet
    columns = request.columns or {}
    title = request.sheet_title or ""
    block_range = a1_range(title, 0, last_column(columns), first_row, last_row)
    rows: list[list[Any]] = sheets.values(request.spreadsheet_id, block_range, "FORMATTED_VALUE")
    for column in columns.get("phone", ()):
        scientific = [i for i, row in enumerate(rows) if column < len(row) and is_scientific(cell_text(row[column]))]
        if not scientific:
            continue
        raw_range = a1_range(title, column, column, first_row, last_row)
        raw = sheets.values(request.spreadsheet_id, raw_range, "UNFORMATTED_VALUE")
        for i in scientific:
            if i < len(raw) and raw[i]:
                rows[i][column] = raw[i][0]
    return rows


def import_chunk(deps: WorkerDeps, step: ChunkInput) -> ChunkOutput:
    """Read rows ``next_row``… (one block), write their leads, commit counts and the cursor.

    Integrations: DynamoDB (2 GetItem, Query per distinct phone/email, BatchWriteItem per 25
    new leads, UpdateItem per filled-in lead, UpdateItem job), KMS (Decrypt), Sheets API
    (values.get of the block).
    """
    job = _running_job(deps, step)
    if job.next_row is not None and job.next_row != step.next_row:
        if job.next_row > step.next_row:  # this chunk was committed by an earlier attempt
            return ChunkOutput(next_row=job.next_row, last_row=step.last_row)
        raise ImportInternalError()
    access, _ = _open_access(deps, step)
    columns = access.sheet.columns
    if not columns:
        raise ImportInternalError()
    end_row = min(step.next_row + deps.block_rows - 1, step.last_row)
    region = job.phone_region or deps.default_region
    now = deps.clock()

    sheets = deps.sheets(access.access_token)
    try:
        rows = _read_block(sheets, access, step.next_row, end_row)
    finally:
        sheets.close()
    from shared.imports.rows import LeadDraft, draft_from_cells  # loaded by functions/import_chunk.py's init

    drafts: list[LeadDraft] = []
    errors: list[RowError] = []
    for offset, cells in enumerate(rows):
        result = draft_from_cells(step.next_row + offset, cells, columns, region)
        if isinstance(result, LeadDraft):
            drafts.append(result)
        elif isinstance(result, RowError):
            errors.append(result)
    del rows  # cells are gone; drafts hold only mapped fields, on their way into leads

    def lookup(key: ContactKey) -> list[str]:
        kind, value = key
        if kind == "phone":
            return deps.leads.find_by_phone(step.user_id, value)
        return deps.leads.find_by_email(step.user_id, value)

    existing = find_existing(drafts, lookup, deps.lookup_workers)
    plan = plan_upserts(drafts, existing, import_id=step.import_id, on_duplicate=job.on_duplicate, now=now)
    if deps.account_revoked(step.user_id):  # erasure has begun: write nothing it could miss
        raise ImportNotRunning()
    try:
        deps.leads.put_many(step.user_id, plan.creates)
    except UnprocessedItems:
        raise StorageBusy() from None
    vanished = 0
    for lead_id, changes in plan.updates.items():
        if deps.leads.update(step.user_id, lead_id, changes, now) is None:
            vanished += 1  # deleted meanwhile: nothing to fill in
    counts = ChunkCounts(
        rows_read=len(drafts) + len(errors),
        leads_created=plan.created,
        leads_updated=plan.updated - vanished,
        rows_skipped=plan.skipped + len(errors) + vanished,
    )
    room = max(0, MAX_ERRORS - len(job.errors))
    if not deps.jobs.commit_chunk(step.user_id, step.import_id, step.next_row, end_row + 1, counts, errors[:room]):
        current = deps.jobs.get(step.user_id, step.import_id)
        if current is not None and current.status == ImportStatus.RUNNING and (current.next_row or 0) > step.next_row:
            return ChunkOutput(next_row=current.next_row or end_row + 1, last_row=step.last_row)
        raise ImportNotRunning()
    logger.info(
        "import chunk committed",
        extra={
            "import_id": step.import_id,
            "rows_read": counts.rows_read,
            "leads_created": counts.leads_created,
            "leads_updated": counts.leads_updated,
            "rows_skipped": counts.rows_skipped,
            "lookups": plan.lookups,
        },
    )
    return ChunkOutput(
        next_row=end_row + 1,
        last_row=step.last_row,
        rows_read=counts.rows_read,
        leads_created=counts.leads_created,
        leads_updated=counts.leads_updated,
        rows_skipped=counts.rows_skipped,
    )


def finalize(deps: WorkerDeps, step: FinalizeInput) -> FinalizeOutput:
    """Delete the sealed token (whatever the outcome), then record the outcome on the job.

    Integrations: DynamoDB (DeleteItem, UpdateItem).
    """
    deps.jobs.delete_token(step.user_id, step.import_id)
    now = deps.clock()
    if step.outcome == "succeeded":
        deps.jobs.transition(step.user_id, step.import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, now)
        logger.info("import succeeded", extra={"import_id": step.import_id})
        return FinalizeOutput(status=ImportStatus.SUCCEEDED)
    code = error_code_for(step.error)
    deps.jobs.transition(step.user_id, step.import_id, ImportStatus.RUNNING, ImportStatus.FAILED, now, code)
    logger.info("import failed", extra={"import_id": step.import_id, "error_code": code})
    return FinalizeOutput(status=ImportStatus.FAILED, error_code=code)
