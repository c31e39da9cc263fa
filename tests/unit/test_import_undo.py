"""Undo of an import against the fakes: what it removes, keeps and leaves, its exact counts
whatever is retried, and when it is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.core.errors import NotFound
from shared.core.layout import lead_prefix
from shared.imports import undo_steps
from shared.imports.errors import ImportNotRunning, ImportRunning
from shared.imports.lead_ids import imported_lead_id
from shared.imports.status import ImportStatus
from shared.imports.undo import UndoWindowClosed, undo_import
from shared.leads.repository import LeadRecord
from tests.fakes.children import FakeChildren
from tests.fakes.object_store import FakeObjectStore
from tests.unit.test_import_steps_logic import NOW, USER, Import, lead_rows

LATER = NOW + timedelta(days=1)


class RecordingUndoStarter:
    def __init__(self) -> None:
        self.started: list[tuple[str, str]] = []

    def start(self, import_id: str, attempt: str) -> None:
        self.started.append((import_id, attempt))


class Undo:
    """An import of ``rows`` run to its end, and the undo machinery around it."""

    def __init__(self, rows: list[list[Any]], *, page_leads: int = 7, block_leads: int = 14) -> None:
        self.run = Import(rows)
        self.run.run()
        self.run.jobs.transition(USER, self.run.import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, NOW)
        self.run.jobs.end(USER, self.run.import_id)
        self.children, self.objects, self.workflow = FakeChildren(), FakeObjectStore(), RecordingUndoStarter()
        self.deps = undo_steps.UndoDeps(
            jobs=self.run.jobs,
            leads=self.run.leads,
            children=self.children,
            objects=self.objects,
            clock=lambda: LATER,
            block_leads=block_leads,
        )
        undo_steps.PAGE_LEADS = page_leads

    @property
    def import_id(self) -> str:
        return self.run.import_id

    def start(self, at: Any = LATER) -> tuple[Any, bool]:
        return undo_import(self.run.jobs, self.workflow, USER, self.import_id, at)

    def block(self) -> undo_steps.UndoProgress:
        return undo_steps.undo_block(self.deps, undo_steps.UndoInput(import_id=self.import_id))

    def to_the_end(self) -> int:
        blocks = 0
        while not self.block().done:
            blocks += 1
        undo_steps.end_undo(self.deps, undo_steps.UndoEndInput(import_id=self.import_id, outcome="succeeded"))
        return blocks

    def lead(self, row: int) -> LeadRecord | None:
        return self.run.leads.get(USER, imported_lead_id(self.import_id, row))


@pytest.fixture(autouse=True)
def _page_size() -> Any:
    saved = undo_steps.PAGE_LEADS
    yield
    undo_steps.PAGE_LEADS = saved


def test_undo_removes_unchanged_leads_with_their_children_and_keeps_edited_ones() -> None:
    undo = Undo(lead_rows(30))
    edited = imported_lead_id(undo.import_id, 5)
    undo.run.leads.update(USER, edited, {"company": "Mine now"}, LATER)
    with_files = imported_lead_id(undo.import_id, 9)
    undo.children.add(USER, with_files)
    undo.children.add(USER, with_files, file=True)
    undo.objects.put(f"{lead_prefix(USER, with_files)}a-file")
    kept_child = undo.children.add(USER, edited)
    job, in_progress = undo.start()
    assert (in_progress, job.status) == (True, ImportStatus.UNDOING)
    assert undo.workflow.started == [(undo.import_id, f"undo-{int(LATER.timestamp())}")]
    assert undo.run.jobs.user_of(undo.import_id) == USER
    undo.to_the_end()
    job = undo.run.job()
    assert (job.status, job.leads_removed, job.leads_kept) == (ImportStatus.UNDONE, 29, 1)
    assert job.undo_finished_at == LATER
    assert [lead.lead_id for lead in undo.run.leads.stored(USER)] == [edited]
    assert undo.children.of(USER, with_files) == []
    assert undo.children.of(USER, edited) == [kept_child]
    assert undo.objects.versions == []
    assert undo.run.jobs.user_of(undo.import_id) is None  # the reference is gone with the lease
    assert undo.run.jobs.lease_holder(USER, LATER) is None


def test_leads_the_import_filled_in_stay_as_they_are() -> None:
    run = Import(lead_rows(3), on_duplicate="update")
    before = LeadRecord("01HZZZZZZZZZZZZZZZZZZZZZZZ", "Before", "manual", NOW, NOW, phone="+919800000002")
    run.leads.create(USER, before)
    run.run()
    run.jobs.transition(USER, run.import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, NOW)
    run.jobs.end(USER, run.import_id)
    assert run.job().leads_updated == 1
    deps = undo_steps.UndoDeps(run.jobs, run.leads, FakeChildren(), FakeObjectStore(), clock=lambda: LATER)
    undo_import(run.jobs, RecordingUndoStarter(), USER, run.import_id, LATER)
    while not undo_steps.undo_block(deps, undo_steps.UndoInput(import_id=run.import_id)).done:
        pass
    undo_steps.end_undo(deps, undo_steps.UndoEndInput(import_id=run.import_id, outcome="succeeded"))
    (left,) = run.leads.stored(USER)
    assert (left.lead_id, left.name) == (before.lead_id, "Lead 2")  # filled in by row 3, and kept
    assert (run.job().leads_removed, run.job().leads_kept) == (2, 0)


def test_counts_are_exact_when_a_block_dies_between_removing_and_committing() -> None:
    undo = Undo(lead_rows(20), page_leads=5, block_leads=5)
    undo.start()
    real_commit = undo.run.jobs.commit_undo
    failures = {"left": 1}

    def commit_fails_once(*args: Any, **kwargs: Any) -> bool:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("the step died before its commit")
        return real_commit(*args, **kwargs)

    undo.run.jobs.commit_undo = commit_fails_once  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        undo.block()  # 5 leads removed, nothing committed
    assert len(undo.run.leads.stored(USER)) == 15
    undo.to_the_end()  # Step Functions runs it again
    job = undo.run.job()
    assert (job.status, job.leads_removed, job.leads_kept) == (ImportStatus.UNDONE, 20, 0)


def test_counts_are_exact_when_a_second_run_of_a_block_overtakes_the_first() -> None:
    """A step timed out and was retried while its first run still worked: both read the page,
    the first removed its leads, the retry found them gone and committed first."""
    undo = Undo(lead_rows(10), page_leads=10, block_leads=10)
    undo.start()
    leads = undo.run.leads
    real_read, real_remove = leads.in_id_range, leads.remove_imported
    stale: dict[str, Any] = {}

    def first_read_seen_twice(*args: Any, **kwargs: Any) -> list[LeadRecord]:
        page = real_read(*args, **kwargs)
        stale.setdefault("page", page)
        return page

    def retry_runs_after_the_first_removal(*args: Any, **kwargs: Any) -> list[str]:
        removed = real_remove(*args, **kwargs)
        leads.remove_imported = real_remove  # type: ignore[method-assign]
        views = iter([stale["page"]])  # the retry read the page before these removals
        leads.in_id_range = lambda *a, **k: next(views, None) or real_read(*a, **k)  # type: ignore[method-assign]
        assert undo.block().leads_removed == 10  # the retry commits the page first
        leads.in_id_range = real_read  # type: ignore[method-assign]
        return removed

    leads.in_id_range = first_read_seen_twice  # type: ignore[method-assign]
    leads.remove_imported = retry_runs_after_the_first_removal  # type: ignore[method-assign]
    undo.to_the_end()
    job = undo.run.job()
    assert (job.status, job.leads_removed, job.leads_kept) == (ImportStatus.UNDONE, 10, 0)
    assert leads.stored(USER) == []


def test_a_lead_changed_while_undo_runs_is_kept() -> None:
    undo = Undo(lead_rows(10), page_leads=10)
    undo.start()
    real_remove = undo.run.leads.remove_imported

    def user_edits_first(user_id: str, import_id: str, leads: Any) -> list[str]:
        undo.run.leads.update(USER, imported_lead_id(import_id, 4), {"notes": "called back"}, LATER)
        return real_remove(user_id, import_id, leads)

    undo.run.leads.remove_imported = user_edits_first  # type: ignore[method-assign]
    undo.to_the_end()
    assert [lead.lead_id for lead in undo.run.leads.stored(USER)] == [imported_lead_id(undo.import_id, 4)]
    assert (undo.run.job().leads_removed, undo.run.job().leads_kept) == (9, 1)


def test_a_retried_request_resumes_the_same_undo_and_an_undone_import_answers_as_it_is() -> None:
    undo = Undo(lead_rows(3))
    undo.start()
    again, in_progress = undo.start(LATER + timedelta(minutes=1))
    assert (again.status, in_progress) == (ImportStatus.UNDOING, True)
    assert undo.workflow.started == [(undo.import_id, f"undo-{int(LATER.timestamp())}")] * 2  # same execution
    undo.to_the_end()
    done, in_progress = undo.start()
    assert (done.status, in_progress, done.leads_removed) == (ImportStatus.UNDONE, False, 3)
    assert len(undo.workflow.started) == 2


def test_undo_is_refused_after_30_days_while_running_and_for_another_users_import() -> None:
    undo = Undo(lead_rows(3))
    with pytest.raises(UndoWindowClosed):
        undo.start(NOW + timedelta(days=30, seconds=1))
    with pytest.raises(NotFound):
        undo_import(undo.run.jobs, undo.workflow, "someone-else", undo.import_id, LATER)
    running = Import(lead_rows(2))
    with pytest.raises(ImportRunning):
        undo_import(running.jobs, undo.workflow, USER, running.import_id, LATER)
    assert undo.workflow.started == []
    assert len(undo.run.leads.stored(USER)) == 3


def test_undo_waits_for_another_running_import_of_the_user() -> None:
    undo = Undo(lead_rows(3))
    other = Import(lead_rows(2), jobs=undo.run.jobs)  # running since NOW, holding the user's lease
    soon = NOW + timedelta(minutes=5)
    with pytest.raises(ImportRunning):
        undo.start(soon)
    assert undo.run.job().status == ImportStatus.SUCCEEDED
    undo.run.jobs.end(USER, other.import_id)
    assert undo.start(soon)[0].status == ImportStatus.UNDOING


def test_undo_steps_stop_once_the_account_is_being_erased_or_the_undo_ended() -> None:
    undo = Undo(lead_rows(3))
    undo.start()
    erasing = undo_steps.UndoDeps(**{**undo.deps.__dict__, "account_revoked": lambda _user: True})
    with pytest.raises(ImportNotRunning):
        undo_steps.undo_block(erasing, undo_steps.UndoInput(import_id=undo.import_id))
    assert len(undo.run.leads.stored(USER)) == 3
    failed = undo_steps.end_undo(
        undo.deps, undo_steps.UndoEndInput(import_id=undo.import_id, outcome="failed", error="ImportNotRunning")
    )
    assert (failed.status, undo.run.job().status) == (ImportStatus.UNDO_FAILED, ImportStatus.UNDO_FAILED)
    assert (
        undo_steps.end_undo(undo.deps, undo_steps.UndoEndInput(import_id=undo.import_id, outcome="succeeded")).status
        == "ended"
    )
    with pytest.raises(ImportNotRunning):
        undo.block()
    resumed, in_progress = undo.start()  # another DELETE resumes it
    assert (resumed.status, in_progress) == (ImportStatus.UNDOING, True)


def test_cancelling_an_import_that_awaits_authorization() -> None:
    from shared.imports.repository import ImportJob
    from tests.fakes.imports import FakeImportRepository

    jobs = FakeImportRepository()
    job_id = "01HZZZZZZZZZZZZZZZZZZZZZZZ"
    jobs.create(USER, ImportJob(job_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", NOW))
    job, in_progress = undo_import(jobs, RecordingUndoStarter(), USER, job_id, LATER)
    assert (job.status, in_progress) == (ImportStatus.CANCELLED, False)
