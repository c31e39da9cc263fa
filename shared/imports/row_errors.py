"""A rejected sheet row: its number and an error code, never a cell.

Its own module so that the job record (shared/imports/repository.py) carries row errors without
loading the row parser's email and phone libraries into every workflow step."""

from __future__ import annotations

from typing import NamedTuple


class RowError(NamedTuple):
    row: int
    code: str
