"""Reading the spreadsheet from what the user pastes, and how a job reads back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.imports.errors import InvalidSpreadsheet
from shared.imports.logic import spreadsheet_id_from, to_model
from shared.imports.repository import ImportJob

SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"


@pytest.mark.parametrize(
    "text",
    [
        SHEET,
        f"https://docs.google.com/spreadsheets/d/{SHEET}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/u/1/d/{SHEET}/edit?usp=sharing",
        f"docs.google.com/spreadsheets/d/{SHEET}",
    ],
)
def test_the_spreadsheet_id_comes_from_a_url_or_is_the_id(text: str) -> None:
    assert spreadsheet_id_from(text) == SHEET


@pytest.mark.parametrize(
    "text",
    [
        f"https://evil.example/spreadsheets/d/{SHEET}/edit",
        "https://docs.google.com/document/d/abcdefghijklmnop/edit",
        "ftp://docs.google.com/spreadsheets/d/abcdefghijklmnop",
        "short",
        "has spaces in it and more",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(InvalidSpreadsheet):
        spreadsheet_id_from(text)


NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_an_authorization_never_completed_reads_as_failed_after_ten_minutes() -> None:
    job = ImportJob("01J00000000000000000000000", "awaiting_authorization", "skip", NOW - timedelta(minutes=11))
    out = to_model(job, NOW)
    assert (out.status, out.error_code) == ("failed", "authorization_timeout")
    assert to_model(job, NOW - timedelta(minutes=5)).status == "awaiting_authorization"


def test_progress_follows_the_cursor() -> None:
    job = ImportJob("01J00000000000000000000000", "running", "skip", NOW, first_row=2, last_row=101, next_row=52)
    assert to_model(job, NOW).progress == 0.5
