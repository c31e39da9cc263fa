"""Taking back an import: ``DELETE /v1/imports/{import_id}`` within 30 days of its end.

What undo removes, and what it leaves:
- every lead the import created that nobody has changed since — with its contact items, its
  activities and file records (and every stored version of its files), as deleting the lead would;
  each removal leaves a tombstone, so every device drops the lead at its next sync;
- a lead the import created and the user (or another import) has changed since is **kept**: the
  change is the user's work, and undo never throws it away. It is counted in ``leads_kept``;
- leads that existed before and that the import filled in (``on_duplicate=update``) are **left as
  they are**: the import keeps no copy of what they held before, and restoring an old copy would
  overwrite whatever the user changed since;
- undo of an import still awaiting authorization cancels it; of a running import it is refused
  (409 ``import_running``: undo it when it has ended); after 30 days it is refused
  (409 ``undo_window_closed``).

Undo runs as its own workflow (shared/imports/undo_workflow.py) under the user's import lease:
no import of that user runs while one is undone. Its counts are exact whatever is retried
(shared/imports/undo_steps.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from shared.core.errors import Conflict, NotFound
from shared.core.ids import is_id
from shared.imports.errors import ImportRunning
from shared.imports.repository import ImportJob, ImportRepository, epoch
from shared.imports.status import ImportStatus
from shared.privacy import get_logger
from shared.resources import IMPORT_UNDO_WORKFLOW

logger = get_logger()

UNDO_WINDOW = timedelta(days=30)
UNDO_LEASE_SECONDS = IMPORT_UNDO_WORKFLOW.timeout_s + 300
UNDOABLE = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.UNDO_FAILED)


class UndoWindowClosed(Conflict):
    code = "undo_window_closed"
    message = "This import ended more than 30 days ago and can no longer be undone."


class UndoStarter(Protocol):
    def start(self, import_id: str, attempt: str) -> None:
        """Start the undo workflow once per attempt; its input is the import id alone."""
        ...


def undo_deadline(job: ImportJob) -> datetime | None:
    """Until when the import can be undone (None: it never ran, so there is nothing to undo)."""
    return job.finished_at + UNDO_WINDOW if job.finished_at else None


def _attempt(job: ImportJob) -> str:
    """An undo attempt's execution name part: a retried request resumes the same execution."""
    assert job.undo_started_at is not None
    return f"undo-{epoch(job.undo_started_at)}"


def undo_import(
    jobs: ImportRepository, workflow: UndoStarter, user_id: str, import_id: str, now: datetime
) -> tuple[ImportJob, bool]:
    """Start (or resume) the undo of an import; the job as it now stands, and whether undo is in
    progress (the API answers 202 then, 200 when there was nothing left to do).

    Integrations: DynamoDB (GetItem, TransactWriteItems job + lease + reference, GetItem),
    Step Functions (StartExecution).
    """
    job = jobs.get(user_id, import_id) if is_id(import_id) else None
    if job is None:
        raise NotFound("No such import.", code="import_not_found")
    if job.status == ImportStatus.AWAITING_AUTHORIZATION:
        jobs.transition(user_id, import_id, job.status, ImportStatus.CANCELLED, now)
        logger.info("import cancelled before authorization", extra={"import_id": import_id})
        return _reread(jobs, user_id, import_id), False
    if job.status == ImportStatus.RUNNING:
        raise ImportRunning()
    if job.status == ImportStatus.UNDOING:  # a retried request: make sure its workflow runs
        workflow.start(import_id, _attempt(job))
        return job, True
    if job.status not in UNDOABLE:  # cancelled (nothing was imported) or undone already
        return job, False
    deadline = undo_deadline(job)
    if deadline is None or now > deadline:
        raise UndoWindowClosed()
    begun = jobs.begin(user_id, import_id, job.status, ImportStatus.UNDOING, now, lease_s=UNDO_LEASE_SECONDS)
    if begun == "busy":
        raise ImportRunning()
    job = _reread(jobs, user_id, import_id)
    if begun == "begun":
        workflow.start(import_id, _attempt(job))
        logger.info("import undo started", extra={"import_id": import_id})
    return job, job.status == ImportStatus.UNDOING


def _reread(jobs: ImportRepository, user_id: str, import_id: str) -> ImportJob:
    job = jobs.get(user_id, import_id)
    if job is None:  # erased meanwhile
        raise NotFound("No such import.", code="import_not_found")
    return job
