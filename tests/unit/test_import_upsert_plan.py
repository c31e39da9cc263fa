"""Dedupe within the user's account by phone, then email; idempotent on a re-run."""

from __future__ import annotations

from datetime import UTC, datetime

from ulid import ULID

from shared.imports.lead_ids import imported_lead_id
from shared.imports.rows import LeadDraft
from shared.imports.upsert import contact_keys, plan_upserts

NOW = datetime(2026, 5, 1, tzinfo=UTC)
IMPORT = str(ULID())
OLD = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


def draft(row: int, phone: str | None = None, email: str | None = None, **fields: str) -> LeadDraft:
    return LeadDraft(
        row=row, name=fields.get("name", f"Row {row}"), phone=phone, email=email, company=fields.get("company")
    )


def test_new_rows_are_created_with_their_deterministic_ids() -> None:
    plan = plan_upserts(
        [draft(2, "+911"), draft(3, email="a@x.io")], {}, import_id=IMPORT, on_duplicate="skip", now=NOW
    )
    assert [lead.lead_id for lead in plan.creates] == [imported_lead_id(IMPORT, 2), imported_lead_id(IMPORT, 3)]
    assert all(lead.source == "google_sheets" for lead in plan.creates)
    assert (plan.created, plan.updated, plan.skipped) == (2, 0, 0)


def test_rows_matching_an_existing_lead_are_skipped_or_fill_it_in() -> None:
    existing = {("phone", "+911"): OLD, ("email", "b@x.io"): OLD}
    rows = [draft(2, "+911", company="New"), draft(3, "+912", "b@x.io")]
    skip = plan_upserts(rows, existing, import_id=IMPORT, on_duplicate="skip", now=NOW)
    assert (skip.created, skip.updated, skip.skipped, skip.creates, skip.updates) == (0, 0, 2, [], {})
    update = plan_upserts(rows, existing, import_id=IMPORT, on_duplicate="update", now=NOW)
    assert update.updated == 2
    assert update.updates == {OLD: {"name": "Row 3", "phone": "+912", "email": "b@x.io", "company": "New"}}


def test_rows_of_one_block_match_each_other() -> None:
    rows = [draft(2, "+911", "a@x.io"), draft(3, email="a@x.io", company="Later"), draft(4, "+911")]
    skip = plan_upserts(rows, {}, import_id=IMPORT, on_duplicate="skip", now=NOW)
    assert (skip.created, skip.skipped) == (1, 2)
    update = plan_upserts(rows, {}, import_id=IMPORT, on_duplicate="update", now=NOW)
    assert (update.created, update.updated, update.updates) == (1, 2, {})
    assert update.creates[0].company == "Later"  # filled in before the lead is even written


def test_a_rerun_recognizes_the_leads_it_wrote_itself() -> None:
    rows = [draft(2, "+911"), draft(3, "+911")]
    own = imported_lead_id(IMPORT, 2)
    found_on_rerun = {("phone", "+911"): own}  # the first attempt wrote row 2, then crashed
    plan = plan_upserts(rows, found_on_rerun, import_id=IMPORT, on_duplicate="skip", now=NOW)
    assert [lead.lead_id for lead in plan.creates] == [own]
    assert (plan.created, plan.skipped) == (1, 1)  # the same outcome as the first attempt


def test_every_phone_and_email_of_a_block_is_looked_up_once() -> None:
    rows = [draft(2, "+911", "A@x.io"), draft(3, "+912", "a@x.io"), draft(4, "+911"), draft(5, email="d@x.io")]
    assert contact_keys(rows) == [("phone", "+911"), ("email", "a@x.io"), ("phone", "+912"), ("email", "d@x.io")]


def test_a_row_whose_phone_and_email_belong_to_two_leads_goes_to_the_phones_lead() -> None:
    other = "01HYYYYYYYYYYYYYYYYYYYYYYY"
    existing = {("phone", "+911"): OLD, ("email", "a@x.io"): other}
    plan = plan_upserts([draft(2, "+911", "a@x.io")], existing, import_id=IMPORT, on_duplicate="update", now=NOW)
    assert list(plan.updates) == [OLD]
    assert "email" not in plan.updates[OLD]  # the email stays with the lead that has it
