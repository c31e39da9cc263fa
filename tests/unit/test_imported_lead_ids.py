"""Leads created by an import have deterministic ids: a re-run chunk cannot add a second copy."""

from __future__ import annotations

import re

from ulid import ULID

from shared.imports.lead_ids import imported_lead_id

ULID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def test_ids_are_valid_ulids_stable_per_row_and_distinct_across_rows_and_imports() -> None:
    first, second = str(ULID()), str(ULID())
    ids = [imported_lead_id(first, row) for row in range(2, 5002)]
    assert all(ULID_PATTERN.match(lead_id) for lead_id in ids)
    assert ids == [imported_lead_id(first, row) for row in range(2, 5002)]  # same input, same id
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {imported_lead_id(second, row) for row in range(2, 5002)}


def test_ids_carry_the_import_time_and_sort_by_row() -> None:
    import_id = str(ULID())
    ids = [imported_lead_id(import_id, row) for row in (2, 3, 10, 100_000)]
    assert {ULID.from_str(lead_id).milliseconds for lead_id in ids} == {ULID.from_str(import_id).milliseconds}
    assert ids == sorted(ids)
