"""The workflow steps called directly (as Lambda would), against moto, KMS and the fake Google."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
from ulid import ULID

from shared.imports import steps
from shared.imports.errors import AuthorizationExpired, ImportNotRunning
from shared.imports.repository import ImportJob, SealedToken, epoch
from shared.imports.sealed import ImportAccess, SheetRequest
from shared.imports.status import ImportStatus
from shared.imports.step_wiring import worker_dependencies
from shared.privacy import Pii
from tests.importing import lead_rows, sheet_id


@pytest.fixture
def running_import(local_stack: Any) -> tuple[Any, str, str, str]:
    """A job in `running` with a sealed token for a 50-row sheet, as the callback leaves it."""
    deps = worker_dependencies()
    google = local_stack.google
    token = "ya29.steps-" + str(ULID())
    google.issue_next_token(token)
    google._tokens[token] = "https://www.googleapis.com/auth/spreadsheets.readonly"
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *lead_rows(50)], row_count=51)
    user, import_id = f"user-{ULID()}", str(ULID())
    now = datetime.now(UTC)
    deps.jobs.create(
        user,
        ImportJob(import_id=import_id, status=ImportStatus.AWAITING_AUTHORIZATION, on_duplicate="skip", created_at=now),
    )
    begun = deps.jobs.begin(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, now)
    assert begun == "begun"
    access = ImportAccess(Pii(token), SheetRequest(spreadsheet, None, 1, None))
    sealed = deps.vault.seal(access.to_bytes(), user_id=user, import_id=import_id)
    deps.jobs.put_token(user, import_id, SealedToken(sealed, epoch(now) + 3600))
    return deps, user, import_id, token


def test_a_chunk_run_again_after_its_commit_changes_nothing(running_import: tuple[Any, str, str, str]) -> None:
    deps, user, import_id, _ = running_import
    ids = {"import_id": import_id}  # the workflow carries no user id: steps find it by the reference
    cursor = steps.prepare(deps, steps.StepInput(**ids))
    assert (cursor.next_row, cursor.last_row) == (2, 51)
    first = steps.import_chunk(deps, steps.ChunkInput(**ids, next_row=2, last_row=51))
    assert (first.next_row, first.leads_created) == (42, 40)
    again = steps.import_chunk(deps, steps.ChunkInput(**ids, next_row=2, last_row=51))
    assert (again.next_row, again.rows_read, again.leads_created) == (42, 0, 0)
    job = deps.jobs.get(user, import_id)
    assert (job.next_row, job.rows_read, job.leads_created) == (42, 40, 40)
    assert len(deps.leads.page(user, 100, None, None).items) == 40


def test_finalize_deletes_the_token_whatever_the_outcome(running_import: tuple[Any, str, str, str]) -> None:
    deps, user, import_id, _ = running_import
    ids = {"import_id": import_id}
    now = datetime.now(UTC)
    assert deps.jobs.lease_holder(user, now) == import_id
    result = steps.finalize(deps, steps.FinalizeInput(**ids, outcome="failed", error="<script>x</script>"))
    assert (result.status, result.error_code) == ("failed", "internal_error")  # codes from an allow-list only
    assert deps.jobs.get_token(user, import_id, epoch(now)) is None
    assert deps.jobs.lease_holder(user, now) is None  # the user may start another import
    assert deps.jobs.user_of(import_id) is None  # the reference is gone with the run
    with pytest.raises(ImportNotRunning):
        steps.import_chunk(deps, steps.ChunkInput(**ids, next_row=2, last_row=51))
    again = steps.finalize(deps, steps.FinalizeInput(**ids, outcome="failed", error="SheetAccessDenied"))
    assert again.status == "ended"  # a retried finalize changes nothing
    assert deps.jobs.get(user, import_id).error_code == "internal_error"


def test_without_its_token_a_step_stops_as_authorization_expired(running_import: tuple[Any, str, str, str]) -> None:
    deps, user, import_id, _ = running_import
    deps.jobs.delete_token(user, import_id)
    with pytest.raises(AuthorizationExpired):
        steps.prepare(deps, steps.StepInput(import_id=import_id))


def test_a_chunk_writes_no_lead_once_the_account_is_being_deleted(running_import: tuple[Any, str, str, str]) -> None:
    """Erasure may begin while an import runs: the chunk checks the revocation marker before it
    writes, so no lead lands behind erasure's back."""
    deps, user, import_id, _ = running_import
    ids = {"import_id": import_id}
    steps.prepare(deps, steps.StepInput(**ids))
    revoked = dataclasses.replace(deps, account_revoked=lambda user_id: user_id == user)
    with pytest.raises(ImportNotRunning):
        steps.import_chunk(revoked, steps.ChunkInput(**ids, next_row=2, last_row=51))
    assert deps.leads.page(user, 100, None, None).items == []
