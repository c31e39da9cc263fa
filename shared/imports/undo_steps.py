"""The undo workflow's work: remove an import's leads page by page, then end the undo.

The import's leads have ids that share its prefix (shared/imports/lead_ids.py), so one Query on
their id range finds them, in row order, with nothing else in between. Per page of up to
``PAGE_LEADS`` leads:

1. remove those still as the import wrote them (``imported_by`` it, unchanged since) — each in a
   transaction with its contact items and a tombstone marked ``removed_by`` the import;
2. delete the removed leads' activities and file records (one Query per kind on the page's id
   range) and every stored version of their files;
3. commit the cursor with the page's counts, conditional on the cursor: once per position.

Exactly once, whatever is retried: the removed count of a page is read back from its tombstones
(a re-run after a crash between 1 and 3 no longer sees the leads it removed, but their
tombstones are there), the kept count from the leads still in the page's range (read again). A re-run of a
page already committed finds the cursor moved on and carries on from there. The end step sweeps
the children of the whole id range once more: a child created while its lead was being removed,
or left by a crash between 1 and 2, goes too.

Like the import's steps, these take and return the import id only (Step Functions keeps its
history beyond erasure's reach): the user is found through the import's reference item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from shared.core.ids import ULID_PATTERN
from shared.core.layout import lead_prefix
from shared.core.object_store import ObjectDeleter
from shared.imports.errors import ImportNotRunning, error_code_for
from shared.imports.lead_ids import import_id_range
from shared.imports.repository import ImportJob, ImportRepository
from shared.imports.status import ImportStatus
from shared.leads.children import is_file_record, lead_of_child
from shared.leads.repository import LeadRecord, LeadRepository
from shared.privacy import get_logger

logger = get_logger()

PAGE_LEADS = 100


class UndoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    import_id: str = Field(pattern=f"^{ULID_PATTERN}$")


class UndoEndInput(UndoInput):
    outcome: Literal["succeeded", "failed"]
    error: str | None = Field(default=None, max_length=100)


class UndoProgress(BaseModel):
    done: bool
    leads_removed: int = 0
    leads_kept: int = 0


class UndoOutcome(BaseModel):
    status: str  # "ended": nothing to do (ended already, or the account was erased)
    error_code: str | None = None


class ChildStore(Protocol):
    """Activities and file records by lead-id range (shared.leads.children.LeadChildren)."""

    def in_range(self, user_id: str, first_lead: str, last_lead: str) -> list[dict[str, Any]]: ...
    def delete(self, user_id: str, keys: list[dict[str, Any]]) -> int: ...


@dataclass(frozen=True)
class UndoDeps:
    jobs: ImportRepository
    leads: LeadRepository
    children: ChildStore
    objects: ObjectDeleter
    clock: Callable[[], datetime]
    block_leads: int = 2000  # leads one step invocation deals with before it returns
    account_revoked: Callable[[str], bool] = lambda _user_id: False


def _undoing(deps: UndoDeps, import_id: str) -> tuple[str, ImportJob]:
    user_id = deps.jobs.user_of(import_id)
    job = deps.jobs.get(user_id, import_id) if user_id else None
    if user_id is None or job is None or job.status != ImportStatus.UNDOING:
        raise ImportNotRunning()
    return user_id, job


def _remove_children(deps: UndoDeps, user_id: str, lead_ids: list[str]) -> int:
    """The removed leads' activities and file records, and their files' stored versions."""
    if not lead_ids:
        return 0
    gone = set(lead_ids)
    keys = [k for k in deps.children.in_range(user_id, min(lead_ids), max(lead_ids)) if lead_of_child(k) in gone]
    for lead_id in sorted({lead_of_child(k) for k in keys if is_file_record(k)}):
        deps.objects.delete_everything_under(lead_prefix(user_id, lead_id))
    return deps.children.delete(user_id, keys)


def undo_block(deps: UndoDeps, event: UndoInput) -> UndoProgress:
    """Up to ``block_leads`` of the import's leads, a page at a time; ``done`` once none is left.

    Integrations: DynamoDB (2 GetItem; per page: Query, TransactWriteItems per 25 removed leads,
    2 Query children, BatchWriteItem, Query tombstones (COUNT), Query leads left, UpdateItem), S3 (per lead with
    files: ListObjectVersions, DeleteObjects).
    """
    user_id, job = _undoing(deps, event.import_id)
    first, last = import_id_range(event.import_id)
    after = job.undo_after
    progress = UndoProgress(done=False)
    handled = 0
    while handled < deps.block_leads:
        page: list[LeadRecord] = deps.leads.in_id_range(user_id, first, last, after, PAGE_LEADS)
        if not page:
            progress.done = True
            break
        if deps.account_revoked(user_id):  # erasure has begun: it takes everything anyway
            raise ImportNotRunning()
        removed = deps.leads.remove_imported(user_id, event.import_id, page)
        _remove_children(deps, user_id, removed)
        page_last = page[-1].lead_id
        removed_count = deps.leads.removed_in_range(user_id, event.import_id, first, after, page_last)
        # Read back, not len(page) - len(removed): a run of this page beside this one (a step timed
        # out and retried while the first still runs) removes leads this run then finds gone.
        kept = len(deps.leads.in_id_range(user_id, first, page_last, after, PAGE_LEADS))
        if not deps.jobs.commit_undo(user_id, event.import_id, after, page_last, removed_count, kept):
            _, job = _undoing(deps, event.import_id)  # a re-run: the cursor has moved on already
            after = job.undo_after
            continue
        progress.leads_removed += removed_count
        progress.leads_kept += kept
        handled += len(page)
        after = page_last
    logger.info(
        "import undo block",
        extra={
            "import_id": event.import_id,
            "leads_removed": progress.leads_removed,
            "leads_kept": progress.leads_kept,
        },
    )
    return progress


def end_undo(deps: UndoDeps, event: UndoEndInput) -> UndoOutcome:
    """Sweep the children of the import's whole id range whose lead is gone, record the outcome,
    release the lease and delete the reference (last: a retry must still find the user).

    Integrations: DynamoDB (GetItem reference, 2 Query children, GetItem per lead with children
    left, BatchWriteItem, UpdateItem, 2 DeleteItem), S3.
    """
    user_id = deps.jobs.user_of(event.import_id)
    if user_id is None:
        return UndoOutcome(status="ended")
    now = deps.clock()
    if event.outcome == "succeeded":
        first, last = import_id_range(event.import_id)
        children = deps.children.in_range(user_id, first, last)
        gone = {lead_id for lead_id in {lead_of_child(k) for k in children} if deps.leads.get(user_id, lead_id) is None}
        orphans = [k for k in children if lead_of_child(k) in gone]
        for lead_id in sorted({lead_of_child(k) for k in orphans if is_file_record(k)}):
            deps.objects.delete_everything_under(lead_prefix(user_id, lead_id))
        deps.children.delete(user_id, orphans)
        deps.jobs.transition(user_id, event.import_id, ImportStatus.UNDOING, ImportStatus.UNDONE, now)
        outcome = UndoOutcome(status=ImportStatus.UNDONE)
    else:
        code = error_code_for(event.error)
        deps.jobs.transition(user_id, event.import_id, ImportStatus.UNDOING, ImportStatus.UNDO_FAILED, now, code)
        outcome = UndoOutcome(status=ImportStatus.UNDO_FAILED, error_code=code)
    deps.jobs.end(user_id, event.import_id)
    logger.info("import undo ended", extra={"import_id": event.import_id, "status": outcome.status})
    return outcome
