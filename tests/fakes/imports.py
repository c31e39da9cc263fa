"""An in-memory ``ImportRepository`` (shared/imports/repository.py).

Like ``DynamoImportRepository``: a job is created once (a second create with its id fails the
condition), changes status only from the status the caller expects, takes its row range only
while running and commits a chunk only where its cursor still is (exactly once per position);
an OAuth state is created once, read freely, bound to the first browser that asks (again by that
browser only) and consumed once (delete-on-read, expired or not: the caller checks its age); a
sealed token past its expiry reads as gone; deleting what is gone is no error. Jobs go in and
out as copies, as through DynamoDB. One lease per user: taken with the move to running or
undoing unless another import holds it unexpired; the reference (import id → user) lives from
then until ``end``.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta

from shared.imports.repository import (
    LEASE_SECONDS,
    BeginOutcome,
    ChunkCounts,
    ImportJob,
    OAuthStateRecord,
    SealedToken,
)
from shared.imports.rows import RowError
from shared.imports.status import ImportStatus
from tests.fakes.conditions import condition_failed


def _copy(job: ImportJob) -> ImportJob:
    return replace(job, errors=list(job.errors))


class FakeImportRepository:
    """Jobs and tokens by (user id, import id), OAuth states by the state's hash: all inspectable."""

    def __init__(self) -> None:
        self.jobs: dict[tuple[str, str], ImportJob] = {}
        self.tokens: dict[tuple[str, str], SealedToken] = {}
        self.states: dict[str, tuple[OAuthStateRecord, int]] = {}  # hash → (record, expires_at)
        self.job_states: dict[tuple[str, str], str] = {}  # the state hash a job was created with
        self.leases: dict[str, tuple[str, datetime]] = {}  # user id → (import id, lease until)
        self.references: dict[str, str] = {}  # import id → user id
        self._lock = threading.Lock()

    # --- jobs ---------------------------------------------------------------------------------

    def create(self, user_id: str, job: ImportJob, oauth_state: str | None = None) -> None:
        with self._lock:
            if (user_id, job.import_id) in self.jobs:
                raise condition_failed("PutItem")
            # What the real item holds at creation: status and settings, every count at zero.
            self.jobs[(user_id, job.import_id)] = ImportJob(
                import_id=job.import_id,
                status=job.status,
                on_duplicate=job.on_duplicate,
                created_at=job.created_at,
                phone_region=job.phone_region,
            )
            if oauth_state:
                self.job_states[(user_id, job.import_id)] = oauth_state

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            return _copy(job) if job else None

    def page(self, user_id: str, limit: int, after: str | None) -> tuple[list[ImportJob], str | None]:
        with self._lock:
            ids = sorted((import_id for owner, import_id in self.jobs if owner == user_id), reverse=True)
            ids = [import_id for import_id in ids if after is None or import_id < after]
            jobs = [_copy(self.jobs[(user_id, import_id)]) for import_id in ids[:limit]]
        return jobs, (jobs[-1].import_id if len(ids) > limit else None)

    def transition(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        error_code: str | None = None,
    ) -> bool:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != from_status:
                return False
            job.status = to_status
            if to_status == ImportStatus.RUNNING:
                job.started_at = at
            elif to_status == ImportStatus.UNDOING:
                job.undo_started_at = at
            elif from_status == ImportStatus.UNDOING:
                job.undo_finished_at = at
            else:
                job.finished_at = at
            if error_code:
                job.error_code = error_code
            return True

    def set_range(self, user_id: str, import_id: str, first_row: int, last_row: int) -> bool:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != ImportStatus.RUNNING:
                return False
            job.first_row, job.last_row, job.next_row = first_row, last_row, first_row
            return True

    def commit_chunk(
        self,
        user_id: str,
        import_id: str,
        expected_next_row: int,
        next_row: int,
        counts: ChunkCounts,
        errors: list[RowError],
    ) -> bool:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != ImportStatus.RUNNING or job.next_row != expected_next_row:
                return False
            job.next_row = next_row
            job.errors = [*job.errors, *errors]
            job.rows_read += counts.rows_read
            job.leads_created += counts.leads_created
            job.leads_updated += counts.leads_updated
            job.rows_skipped += counts.rows_skipped
            return True

    # --- the lease, the reference, undo ---------------------------------------------------------

    def begin(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        lease_s: int = LEASE_SECONDS,
    ) -> BeginOutcome:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != from_status:
                return "not_in_status"
            holder = self.leases.get(user_id)
            if holder is not None and holder[0] != import_id and holder[1] > at:
                return "busy"
            self.leases[user_id] = (import_id, at + timedelta(seconds=lease_s))
            self.references[import_id] = user_id
        self.transition(user_id, import_id, from_status, to_status, at)
        return "begun"

    def lease_holder(self, user_id: str, now: datetime) -> str | None:
        with self._lock:
            holder = self.leases.get(user_id)
            return holder[0] if holder is not None and holder[1] > now else None

    def end(self, user_id: str, import_id: str) -> None:
        with self._lock:
            if self.leases.get(user_id, ("", None))[0] == import_id:
                del self.leases[user_id]
            self.references.pop(import_id, None)

    def user_of(self, import_id: str) -> str | None:
        with self._lock:
            return self.references.get(import_id)

    def commit_undo(
        self, user_id: str, import_id: str, expected_after: str | None, after: str, removed: int, kept: int
    ) -> bool:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != ImportStatus.UNDOING or job.undo_after != expected_after:
                return False
            job.undo_after = after
            job.leads_removed += removed
            job.leads_kept += kept
            return True

    # --- OAuth state: single use --------------------------------------------------------------

    def put_state(self, state_hash: str, record: OAuthStateRecord, expires_at: int) -> None:
        with self._lock:
            if state_hash in self.states:
                raise condition_failed("PutItem")
            self.states[state_hash] = (record, expires_at)

    def read_state(self, state_hash: str) -> OAuthStateRecord | None:
        with self._lock:
            stored = self.states.get(state_hash)
        return stored[0] if stored else None

    def bind_state(self, state_hash: str, browser: str) -> OAuthStateRecord | None:
        with self._lock:
            stored = self.states.get(state_hash)
            if stored is None or stored[0].browser not in (None, browser):
                return None
            bound = stored[0]._replace(browser=browser)
            self.states[state_hash] = (bound, stored[1])
            return bound

    def consume_state(self, state_hash: str) -> OAuthStateRecord | None:
        with self._lock:
            stored = self.states.pop(state_hash, None)
        return stored[0] if stored else None

    def replace_state(self, user_id: str, import_id: str, new_state: str) -> str | None:
        with self._lock:
            job = self.jobs.get((user_id, import_id))
            if job is None or job.status != ImportStatus.AWAITING_AUTHORIZATION:
                return None
            previous = self.job_states.get((user_id, import_id))
            self.job_states[(user_id, import_id)] = new_state
            return previous

    def purge_state(self, state_hash: str) -> None:
        with self._lock:
            self.states.pop(state_hash, None)

    # --- sealed token -------------------------------------------------------------------------

    def put_token(self, user_id: str, import_id: str, token: SealedToken) -> None:
        with self._lock:
            self.tokens[(user_id, import_id)] = token

    def get_token(self, user_id: str, import_id: str, now: int) -> SealedToken | None:
        with self._lock:
            token = self.tokens.get((user_id, import_id))
        if token is None or token.expires_at <= now:  # past its expiry: gone, stored or not
            return None
        return token

    def delete_token(self, user_id: str, import_id: str) -> None:
        with self._lock:
            self.tokens.pop((user_id, import_id), None)
