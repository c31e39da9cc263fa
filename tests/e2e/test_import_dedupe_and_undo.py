"""Import over HTTP, the parts contact items, the lease and undo make true: one lead per phone or
email across blocks and inside the sheet, one running import per user, a lead the user creates
while a block is written is not duplicated, and an import taken back removes exactly what it
created. Block size is 40 rows here (tests/conftest.py)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

import pytest

from local.context import import_handler
from tests.importing import (
    all_leads,
    callback,
    consent,
    lead_rows,
    run_import,
    sheet_id,
    start_import,
    wait_for_import,
)
from tests.support import TestUser, new_lead_body

pytestmark = pytest.mark.e2e


@pytest.fixture
def google(local_stack: Any) -> Any:
    yield local_stack.google
    local_stack.google.clear_faults()


def _imported(user: TestUser) -> list[dict[str, Any]]:
    return [lead for lead in all_leads(user) if lead["source"] == "google_sheets"]


def _checkpoint(user: TestUser) -> str:
    """A sync checkpoint taken now: later pulls since it return only what changes after."""
    checkpoint = None
    while True:
        page = user.api.get("/v1/sync", params={"limit": 500, **({"since": checkpoint} if checkpoint else {})})
        assert page.status_code == 200, page.text
        checkpoint = page.json()["checkpoint"]
        if not page.json()["has_more"]:
            return checkpoint


def _changes_since(user: TestUser, checkpoint: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    merged: dict[str, dict[str, list[dict[str, Any]]]] = {}
    while True:
        page = user.api.get("/v1/sync", params={"limit": 500, "since": checkpoint}).json()
        for kind, changes in page["changes"].items():
            for change, items in changes.items():
                merged.setdefault(kind, {}).setdefault(change, []).extend(items)
        checkpoint = page["checkpoint"]
        if not page["has_more"]:
            return merged


def _held_prepare(entered: threading.Event, release: threading.Event) -> Any:
    """The import's first step, held until ``release``: the import stays running meanwhile."""
    real_prepare = import_handler("functions.import_prepare")

    def held_prepare(event: dict[str, Any], context: Any) -> Any:
        entered.set()
        release.wait(timeout=30)
        return real_prepare(event, context)

    return held_prepare


# --- one lead per contact ------------------------------------------------------------------------


def test_a_row_repeating_an_earlier_block_or_row_becomes_no_second_lead(user: TestUser, google: Any) -> None:
    """Rows 2 to 41 are the first block, 42 to 81 the second: the second block reads the first
    block's contact items with consistent reads, so its repeats are found at once. Rows that share
    a phone or email are one person: row 65 shares an email with row 64, the lead of row 45."""
    valid = lead_rows(60)
    rows: list[list[Any]] = [["Name", "Phone", "Email"], *valid]
    rows.append(["Repeats Row 2 By Phone", valid[0][1], ""])  # row 62: first block's phone
    rows.append(["Repeats Row 3 By Email", "", valid[1][2].upper()])  # row 63: same email, other case
    rows.append(["Repeats Row 45", valid[43][1], "another.address@example.com"])  # row 64: same block
    rows.append(["Repeats Row 64", "", "another.address@example.com"])  # row 65: so row 45's lead too
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, rows, row_count=len(rows))
    job = run_import(user, spreadsheet)
    assert job["status"] == "succeeded", job
    assert (job["rows_read"], job["leads_created"], job["rows_skipped"]) == (64, 60, 4)
    imported = _imported(user)
    assert len(imported) == 60
    phones = [lead["phone"] for lead in imported if lead["phone"]]
    emails = [lead["email"] for lead in imported if lead["email"]]
    assert len(phones) == len(set(phones)) == 60
    assert len(emails) == len(set(emails)) == 60
    assert "another.address@example.com" not in emails  # skip: the lead of row 45 keeps its own
    # The contact items agree with the leads: the API refuses the imported phone for a new lead.
    taken = user.api.post("/v1/leads", json=new_lead_body(phone=valid[0][1]))
    assert taken.status_code == 409, taken.text
    assert taken.json()["error"]["code"] == "contact_exists"


def test_with_update_a_repeated_row_fills_in_the_lead_the_earlier_row_created(user: TestUser, google: Any) -> None:
    valid = lead_rows(45)
    rows: list[list[Any]] = [["Name", "Phone", "Email", "Company"], *[[*row, ""] for row in valid]]
    rows.append(["Named By Row 47", valid[2][1], "", "Filled In Ltd"])  # second block: row 4's lead
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, rows, row_count=len(rows))
    job = run_import(user, spreadsheet, on_duplicate="update")
    assert job["status"] == "succeeded", job
    assert (job["leads_created"], job["leads_updated"], job["rows_skipped"]) == (45, 1, 0)
    (lead,) = [lead for lead in _imported(user) if lead["phone"] == valid[2][1]]
    assert lead["company"] == "Filled In Ltd"
    assert lead["name"] == "Named By Row 47"
    assert lead["email"] == valid[2][2]  # an empty cell fills in nothing


# --- one import at a time ------------------------------------------------------------------------


def test_a_second_import_is_refused_while_one_runs_and_allowed_after(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    release, entered = threading.Event(), threading.Event()
    held_prepare = _held_prepare(entered, release)

    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *lead_rows(5)], row_count=6)
    with local_stack.registry.overridden("import_prepare", held_prepare):
        first = start_import(user, spreadsheet)
        waiting = start_import(user, spreadsheet)  # awaiting authorization holds nothing yet
        assert callback(consent(first["authorization_url"])).status_code == 200
        assert entered.wait(timeout=30)
        refused = user.api.post("/v1/imports/google-sheets", json={"spreadsheet": spreadsheet, "on_duplicate": "skip"})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["code"] == "import_running"
        # One that was waiting for consent when the first began cannot begin beside it either.
        page = callback(consent(waiting["authorization_url"]))
        assert page.status_code == 409, page.text
        assert user.api.get(f"/v1/imports/{waiting['import_id']}").json()["error_code"] == "import_running"
        release.set()
        assert wait_for_import(user, first["import_id"])["status"] == "succeeded"
    assert user.api.get(f"/v1/imports/{waiting['import_id']}").json()["status"] == "failed"
    again = run_import(user, spreadsheet)  # the lease is released at the end
    assert again["status"] == "succeeded", again
    assert (again["leads_created"], again["rows_skipped"]) == (0, 5)
    assert len(_imported(user)) == 5


# --- the API and an import block at the same moment ----------------------------------------------


def test_a_lead_created_by_the_user_while_a_block_is_written_is_not_duplicated(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    """Between the block's contact lookup and its (unconditional) BatchWriteItem, the user creates
    a lead with the phone of one of the block's rows. The block gives way: one lead has the phone,
    the user's; the row counts as skipped."""
    from shared.imports import steps
    from shared.imports.step_handler import step_handler
    from shared.imports.step_wiring import worker_dependencies

    valid = lead_rows(30)
    racing_phone = valid[7][1]
    real = worker_dependencies()
    created: dict[str, Any] = {}

    class UserCreatesDuringTheBlock:
        def __getattr__(self, name: str) -> Any:
            return getattr(real.leads, name)

        def owners(self, *args: Any, **kwargs: Any) -> Any:
            found = real.leads.owners(*args, **kwargs)
            if not created:  # the first block only, once
                response = user.api.post("/v1/leads", json=new_lead_body(phone=racing_phone, company="Mine"))
                assert response.status_code == 201, response.text
                created.update(response.json())
            return found

    racing = replace(real, leads=UserCreatesDuringTheBlock())  # type: ignore[arg-type]
    handler = step_handler(lambda event: steps.import_chunk(racing, steps.ChunkInput.model_validate(event)))
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *valid], row_count=31)
    with local_stack.registry.overridden("import_chunk", handler):
        job = run_import(user, spreadsheet)
    assert created
    assert job["status"] == "succeeded", job
    assert (job["rows_read"], job["leads_created"], job["rows_skipped"]) == (30, 29, 1)
    with_phone = [lead for lead in all_leads(user) if lead["phone"] == racing_phone]
    assert [lead["lead_id"] for lead in with_phone] == [created["lead_id"]]
    assert with_phone[0]["company"] == "Mine"
    assert len(_imported(user)) == 29
    # The phone's contact item names the user's lead again.
    taken = user.api.post("/v1/leads", json=new_lead_body(phone=racing_phone))
    assert taken.status_code == 409
    assert taken.json()["error"]["details"][0]["lead_id"] == created["lead_id"]


# --- undo ----------------------------------------------------------------------------------------


def _undo_executions(local_stack: Any, import_id: str) -> list[dict[str, Any]]:
    sfn = local_stack.client("stepfunctions")
    arn = local_stack.import_undo_state_machine_arn
    found = sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]
    return [e for e in found if e["name"].startswith(f"{import_id}-")]


def test_undo_removes_what_the_import_created_and_keeps_what_the_user_changed(
    user: TestUser, google: Any, local_stack: Any, canary: Any
) -> None:
    before = user.api.post("/v1/leads", json=new_lead_body(company="Before")).json()
    valid = lead_rows(50)
    unmapped = [canary(f"CANARY-undo-{user.user_id[:6]}-{i:02d}", "unmapped cell") for i in range(len(valid))]
    rows: list[list[Any]] = [["Name", "Phone", "Email", "Secret"]]
    rows += [[*row, unmapped[i]] for i, row in enumerate(valid)]
    rows.append(["", before["phone"], "", ""])  # row 52: fills in the lead that was there before
    rows[-1][0] = "Renamed By Import"
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, rows, row_count=len(rows))
    job = run_import(user, spreadsheet, on_duplicate="update")
    assert job["status"] == "succeeded", job
    assert (job["leads_created"], job["leads_updated"]) == (50, 1)
    imported = {lead["phone"]: lead for lead in _imported(user)}
    edited, worked_on = imported[valid[0][1]], imported[valid[1][1]]
    patched = user.api.patch(f"/v1/leads/{edited['lead_id']}", json={"company": "Edited by the user"})
    assert patched.status_code == 200, patched.text
    note = {"type": "note", "at": "2026-05-01T10:00:00Z", "body": "called"}
    activity = user.api.post(f"/v1/leads/{worked_on['lead_id']}/activities", json=note)
    assert activity.status_code == 201, activity.text
    checkpoint = _checkpoint(user)

    undo = user.api.delete(f"/v1/imports/{job['import_id']}")
    assert undo.status_code == 202, undo.text
    assert undo.json()["status"] == "undoing"
    done = wait_for_import(user, job["import_id"])
    assert done["status"] == "undone", (done["error_code"], done)
    assert (done["leads_removed"], done["leads_kept"]) == (49, 1)
    assert done["undo_started_at"]
    assert done["undo_finished_at"]

    left = {lead["lead_id"]: lead for lead in all_leads(user)}
    assert set(left) == {before["lead_id"], edited["lead_id"]}
    assert left[before["lead_id"]]["name"] == "Renamed By Import"  # what an import filled in stays
    assert left[edited["lead_id"]]["company"] == "Edited by the user"
    assert user.api.get(f"/v1/leads/{worked_on['lead_id']}").status_code == 404
    # Devices learn it by sync: a tombstone for each removed lead and for the activity on one.
    changes = _changes_since(user, checkpoint)
    removed_ids = {lead["lead_id"] for lead in imported.values()} - {edited["lead_id"]}
    assert {t["id"] for t in changes["leads"]["deleted"]} == removed_ids
    assert activity.json()["activity_id"] in {t["id"] for t in changes["activities"]["deleted"]}
    # Their phones and emails are free again; the kept lead's are not.
    assert user.api.post("/v1/leads", json=new_lead_body(phone=valid[1][1])).status_code == 201
    assert user.api.post("/v1/leads", json=new_lead_body(phone=valid[0][1])).status_code == 409

    again = user.api.delete(f"/v1/imports/{job['import_id']}")  # a retried request changes nothing
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["leads_removed"]) == ("undone", 49)
    (execution,) = _undo_executions(local_stack, job["import_id"])
    assert execution["status"] == "SUCCEEDED"
    sfn = local_stack.client("stepfunctions")
    record = json.dumps(sfn.describe_execution(executionArn=execution["executionArn"]), default=str)
    history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
    record += json.dumps(history, default=str)
    assert job["import_id"] in record
    assert user.user_id not in record
    assert not [value for value in unmapped if value in record]
    # The user may import again at once: the undo's lease is released.
    assert start_import(user, spreadsheet)["status"] == "awaiting_authorization"


def test_an_import_is_not_undone_while_it_runs(user: TestUser, google: Any, local_stack: Any) -> None:
    release, entered = threading.Event(), threading.Event()
    held_prepare = _held_prepare(entered, release)

    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *lead_rows(3)], row_count=4)
    with local_stack.registry.overridden("import_prepare", held_prepare):
        started = start_import(user, spreadsheet)
        assert callback(consent(started["authorization_url"])).status_code == 200
        assert entered.wait(timeout=30)
        refused = user.api.delete(f"/v1/imports/{started['import_id']}")
        release.set()
        assert wait_for_import(user, started["import_id"])["status"] == "succeeded"
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "import_running"
    assert len(_imported(user)) == 3


def test_undo_of_an_import_awaiting_consent_cancels_it(user: TestUser, make_user: Any) -> None:
    started = start_import(user, sheet_id())
    cancelled = user.api.delete(f"/v1/imports/{started['import_id']}")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    page = callback(consent(started["authorization_url"]))
    assert page.status_code == 400  # consent given afterwards starts nothing
    assert user.api.get(f"/v1/imports/{started['import_id']}").json()["status"] == "cancelled"
    other = make_user()
    assert other.api.delete(f"/v1/imports/{started['import_id']}").status_code == 404
