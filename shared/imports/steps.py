"""The workflow's three Lambda steps: prepare, import one chunk, finalize.

Each takes and returns the import id, counts and a row cursor only: Step Functions (whose history
keeps every state's input and output for 90 days, beyond erasure's reach) never sees a user id, a
cell, a header, a sheet title or a token. A step finds its user through the import's reference
item (shared/imports/repository.py), which is gone once the import has ended or the account has
been erased. Cell values live in memory for the duration of one chunk and are gone when it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shared.core.dynamodb import UnprocessedItems
from shared.core.ids import ULID_PATTERN
from shared.core.versions import VersionMismatch
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
from shared.imports.vault import SealBroken, Vault
from shared.leads.contacts import contacts_of
from shared.leads.repository import ContactTaken, LeadRecord, LeadRepository, LeadUnreachable
from shared.privacy import Pii, get_logger

if TYPE_CHECKING:
    from shared.imports.rows import LeadDraft

logger = get_logger()

# Clocks of different Lambda hosts agree to well within this: a racing create's ULID time lies
# inside the block's write window widened by it.
RACE_MARGIN = timedelta(seconds=2)


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid")

    import_id: str = Field(pattern=f"^{ULID_PATTERN}$")


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
    status: str  # "ended": the import had already ended (or its account was erased)
    error_code: str | None = None


@dataclass(frozen=True)
class _Run:
    """The import a step works on, and whose it is."""

    import_id: str
    user_id: str


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
    # Whether the user's account is being deleted (its revocation marker): no lead is written then.
    account_revoked: Callable[[str], bool] = lambda _user_id: False


def _run_of(deps: WorkerDeps, step: _Step) -> _Run:
    user_id = deps.jobs.user_of(step.import_id)
    if user_id is None:  # ended, or erased with its account
        raise ImportNotRunning()
    return _Run(step.import_id, user_id)


def _running_job(deps: WorkerDeps, step: _Run) -> ImportJob:
    job = deps.jobs.get(step.user_id, step.import_id)
    if job is None or job.status != ImportStatus.RUNNING:
        raise ImportNotRunning()
    return job


def _open_access(deps: WorkerDeps, step: _Run) -> tuple[ImportAccess, SealedToken]:
    token = deps.jobs.get_token(step.user_id, step.import_id, epoch(deps.clock()))
    if token is None:  # deleted, or past its ≤ 1 h lifetime
        raise AuthorizationExpired()
    try:
        plain = deps.vault.open(token.sealed, user_id=step.user_id, import_id=step.import_id)
    except SealBroken:
        raise ImportInternalError() from None
    return ImportAccess.from_bytes(plain), token


def prepare(deps: WorkerDeps, event: StepInput) -> Cursor:
    """Check the job, read the sheet's size and header row, resolve the columns to import.

    Integrations: DynamoDB (3 GetItem, PutItem, UpdateItem), KMS (Decrypt, Encrypt), Sheets API
    (spreadsheets.get with a fields mask, values.get of the header row).
    """
    step = _run_of(deps, event)
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


def import_chunk(deps: WorkerDeps, event: ChunkInput) -> ChunkOutput:
    """Read rows ``next_row``… (one block), write their leads, commit counts and the cursor.

    Integrations: DynamoDB (3 GetItem, BatchGetItem per 100 distinct phones and emails,
    BatchWriteItem per 25 new items — a lead and its contact items — several in flight, GetItem +
    TransactWriteItems per filled-in lead, UpdateItem job), KMS (Decrypt), Sheets API (values.get
    of the block).
    """
    step = _run_of(deps, event)
    job = _running_job(deps, step)
    if job.next_row is not None and job.next_row != event.next_row:
        if job.next_row > event.next_row:  # this chunk was committed by an earlier attempt
            return ChunkOutput(next_row=job.next_row, last_row=event.last_row)
        raise ImportInternalError()
    access, _ = _open_access(deps, step)
    columns = access.sheet.columns
    if not columns:
        raise ImportInternalError()
    end_row = min(event.next_row + deps.block_rows - 1, event.last_row)
    region = job.phone_region or deps.default_region
    now = deps.clock()

    sheets = deps.sheets(access.access_token)
    try:
        rows = _read_block(sheets, access, event.next_row, end_row)
    finally:
        sheets.close()
    # Loaded by functions/import_chunk.py's init; the other steps never load them (nor python-ulid).
    from shared.imports.rows import LeadDraft, draft_from_cells
    from shared.imports.upsert import contact_keys, plan_upserts

    drafts: list[LeadDraft] = []
    errors: list[RowError] = []
    for offset, cells in enumerate(rows):
        result = draft_from_cells(event.next_row + offset, cells, columns, region)
        if isinstance(result, LeadDraft):
            drafts.append(result)
        elif isinstance(result, RowError):
            errors.append(result)
    del rows  # cells are gone; drafts hold only mapped fields, on their way into leads

    looked_up_at = deps.clock()
    existing = deps.leads.owners(step.user_id, contact_keys(drafts))
    plan = plan_upserts(drafts, existing, import_id=step.import_id, on_duplicate=job.on_duplicate, now=now)
    if deps.account_revoked(step.user_id):  # erasure has begun: write nothing it could miss
        raise ImportNotRunning()
    try:
        deps.leads.put_many(step.user_id, plan.creates)
    except UnprocessedItems:
        raise StorageBusy() from None
    yielded = _yield_to_racing_creates(deps, step, plan.creates, looked_up_at)
    vanished = 0
    for lead_id, changes in plan.updates.items():
        try:
            if deps.leads.update(step.user_id, lead_id, changes, now) is None:
                vanished += 1  # deleted meanwhile: nothing to fill in
        except (ContactTaken, LeadUnreachable, VersionMismatch):
            vanished += 1  # its new phone or email is another lead's, or it kept changing: left as it is
    counts = ChunkCounts(
        rows_read=len(drafts) + len(errors),
        leads_created=plan.created - yielded,
        leads_updated=plan.updated - vanished,
        rows_skipped=plan.skipped + len(errors) + vanished + yielded,
    )
    room = max(0, MAX_ERRORS - len(job.errors))
    if not deps.jobs.commit_chunk(step.user_id, step.import_id, event.next_row, end_row + 1, counts, errors[:room]):
        current = deps.jobs.get(step.user_id, step.import_id)
        if current is not None and current.status == ImportStatus.RUNNING and (current.next_row or 0) > event.next_row:
            return ChunkOutput(next_row=current.next_row or end_row + 1, last_row=event.last_row)
        raise ImportNotRunning()
    logger.info(
        "import chunk committed",
        extra={
            "import_id": step.import_id,
            "rows_read": counts.rows_read,
            "leads_created": counts.leads_created,
            "leads_updated": counts.leads_updated,
            "rows_skipped": counts.rows_skipped,
            "contacts_looked_up": plan.contacts,
        },
    )
    return ChunkOutput(
        next_row=end_row + 1,
        last_row=event.last_row,
        rows_read=counts.rows_read,
        leads_created=counts.leads_created,
        leads_updated=counts.leads_updated,
        rows_skipped=counts.rows_skipped,
    )


def _yield_to_racing_creates(deps: WorkerDeps, step: _Run, creates: list[LeadRecord], looked_up_at: datetime) -> int:
    """The block's new leads that the user created too while the block was being written.

    BatchWriteItem has no conditions: a lead the user creates through the API between the block's
    contact lookup and its write (a window of one block's writes) can get a phone or email that
    the block then gives to a new lead as well. The user's lead was made inside that window, so
    its ULID says so: one Query finds such leads, and each new lead of the block that shares a
    contact with one is removed again, its contact items going back to the user's lead — the row
    is counted as a duplicate, as it would have been a moment later. A re-run of the chunk finds
    the contacts held by the user's lead and skips the row likewise."""
    from shared.imports.lead_ids import created_by  # loaded with shared.imports.upsert

    mine = {contact: lead for lead in creates for contact in contacts_of(lead.phone, lead.email)}
    if not mine:
        return 0
    start, end = looked_up_at - RACE_MARGIN, deps.clock() + RACE_MARGIN
    racing = [
        lead
        for lead in deps.leads.created_between(step.user_id, start, end)
        if not created_by(step.import_id, lead.lead_id)
    ]
    yielded: set[str] = set()
    for theirs in racing:
        for contact in contacts_of(theirs.phone, theirs.email):
            ours = mine.get(contact)
            if (
                ours is not None
                and ours.lead_id not in yielded
                and deps.leads.yield_contacts(step.user_id, step.import_id, ours, theirs)
            ):
                yielded.add(ours.lead_id)
    if yielded:
        logger.info(
            "import yielded to leads created meanwhile", extra={"import_id": step.import_id, "count": len(yielded)}
        )
    return len(yielded)


def finalize(deps: WorkerDeps, event: FinalizeInput) -> FinalizeOutput:
    """Delete the sealed token (whatever the outcome), record the outcome on the job, then
    release the lease and delete the reference (last: a retry must still find the user).

    Integrations: DynamoDB (GetItem, 2 DeleteItem, UpdateItem, DeleteItem lease).
    """
    user_id = deps.jobs.user_of(event.import_id)
    if user_id is None:
        return FinalizeOutput(status="ended")
    step = _Run(event.import_id, user_id)
    deps.jobs.delete_token(step.user_id, step.import_id)
    now = deps.clock()
    if event.outcome == "succeeded":
        deps.jobs.transition(step.user_id, step.import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, now)
        result = FinalizeOutput(status=ImportStatus.SUCCEEDED)
    else:
        code = error_code_for(event.error)
        deps.jobs.transition(step.user_id, step.import_id, ImportStatus.RUNNING, ImportStatus.FAILED, now, code)
        result = FinalizeOutput(status=ImportStatus.FAILED, error_code=code)
    deps.jobs.end(step.user_id, step.import_id)
    logger.info("import ended", extra={"import_id": step.import_id, "status": result.status})
    return result
