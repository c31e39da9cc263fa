"""Google Sheets as the workflow steps read it (shared/imports/steps.py ``SheetReader``), in memory.

``FakeSheets`` holds the spreadsheets and hands out one ``FakeSheetReader`` per step invocation
(it is the ``WorkerDeps.sheets`` factory); every request is counted. Like ``SheetsClient``
against Google: ``grid`` gives the named (or first) sheet's title and size and no cell; ``values``
reads an A1 range as displayed (``FORMATTED_VALUE``) or raw (``UNFORMATTED_VALUE``), trailing
empty cells and rows dropped; an unknown spreadsheet, sheet or range is ``SheetNotFound``; a
revoked token is ``AuthorizationExpired``. Set ``failure`` to make every request raise it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from shared.imports.errors import AuthorizationExpired, SheetNotFound
from shared.imports.google.sheets import SheetGrid
from shared.privacy import Pii

_CELLS = re.compile(r"^([A-Z]+)(\d+):([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Shown:
    """A cell whose displayed text differs from its value (a long number shown as 9.19812E+11)."""

    value: Any
    text: str


@dataclass
class FakeSheet:
    title: str
    rows: list[list[Any]]  # row 1 first; a cell is a str, number, bool, None or Shown
    row_count: int
    column_count: int


def _column(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def _parse_a1(a1: str) -> tuple[str, int, int, int, int]:
    """``'Title'!A2:C9`` → (title, first column, last column, first row, last row), columns 0-based."""
    title, _, cells = a1.rpartition("!")
    match = _CELLS.match(cells)
    if not (title.startswith("'") and title.endswith("'") and len(title) >= 2) or match is None:
        raise SheetNotFound()  # Google answers 400 "Unable to parse range"
    first_col, first_row, last_col, last_row = match.groups()
    return title[1:-1].replace("''", "'"), _column(first_col), _column(last_col), int(first_row), int(last_row)


def _displayed(cell: Any) -> Any:
    if isinstance(cell, Shown):
        return cell.text
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _raw(cell: Any) -> Any:
    return cell.value if isinstance(cell, Shown) else ("" if cell is None else cell)


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


class FakeSheets:
    def __init__(self) -> None:
        self.spreadsheets: dict[str, list[FakeSheet]] = {}
        self.readers: list[FakeSheetReader] = []
        self.revoked: set[str] = set()
        self.failure: Exception | None = None

    def add(
        self,
        spreadsheet_id: str,
        rows: list[list[Any]],
        *,
        title: str = "Sheet1",
        row_count: int | None = None,
        column_count: int | None = None,
    ) -> None:
        """Add a sheet (tab) to ``spreadsheet_id``; its grid is as large as ``rows`` unless given."""
        width = max((len(row) for row in rows), default=0)
        sheet = FakeSheet(title, [list(row) for row in rows], row_count or len(rows), column_count or width)
        self.spreadsheets.setdefault(spreadsheet_id, []).append(sheet)

    def reader(self, access_token: Pii[str]) -> FakeSheetReader:
        reader = FakeSheetReader(self, access_token.reveal())
        self.readers.append(reader)
        return reader

    @property
    def requests_made(self) -> int:
        return sum(reader.requests_made for reader in self.readers)

    def _sheet(self, spreadsheet_id: str, title: str | None) -> FakeSheet:
        for sheet in self.spreadsheets.get(spreadsheet_id, []):
            if title is None or sheet.title == title:
                return sheet
        raise SheetNotFound()


class FakeSheetReader:
    def __init__(self, sheets: FakeSheets, access_token: str) -> None:
        self._sheets = sheets
        self._token = access_token
        self.requests_made = 0
        self.ranges: list[tuple[str, str]] = []  # (render, A1 range) of each values request
        self.closed = False

    def _request(self) -> None:
        self.requests_made += 1
        if self._sheets.failure is not None:
            raise self._sheets.failure
        if self._token in self._sheets.revoked:
            raise AuthorizationExpired()

    def grid(self, spreadsheet_id: str, sheet_title: str | None) -> SheetGrid:
        self._request()
        sheet = self._sheets._sheet(spreadsheet_id, sheet_title)
        return SheetGrid(title=sheet.title, row_count=sheet.row_count, column_count=sheet.column_count)

    def values(self, spreadsheet_id: str, a1: str, render: Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE"]) -> Any:
        self._request()
        self.ranges.append((render, a1))
        title, first_col, last_col, first_row, last_row = _parse_a1(a1)
        sheet = self._sheets._sheet(spreadsheet_id, title)
        if first_row < 1 or last_row < first_row:
            raise SheetNotFound()
        convert = _raw if render == "UNFORMATTED_VALUE" else _displayed
        rows = [
            [convert(cell) for cell in sheet.rows[row - 1][first_col : last_col + 1]] if row <= len(sheet.rows) else []
            for row in range(first_row, min(last_row, sheet.row_count) + 1)
        ]
        return _trimmed(rows)

    def close(self) -> None:
        self.closed = True
