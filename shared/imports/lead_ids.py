"""Deterministic lead ids for imported rows: a re-run chunk writes the same items again.

A lead id is a ULID (``^[0-9A-HJKMNP-TV-Z]{26}$``). For row ``r`` of import ``i`` the 48-bit time
part is the import's own time (from its ULID), so imported leads sort where the import started,
and the 80 random bits are the first 48 bits of sha256(i) followed by ``r`` as 32 bits: distinct
for every row of one import, ordered by row, and unrelated across imports.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from ulid import ULID

MAX_ROW = 2**32 - 1


@lru_cache(maxsize=64)  # import ids only: no sheet data
def _import_prefix(import_id: str) -> bytes:
    millis = ULID.from_str(import_id).milliseconds
    return millis.to_bytes(6, "big") + hashlib.sha256(import_id.encode()).digest()[:6]


def imported_lead_id(import_id: str, row: int) -> str:
    if not 1 <= row <= MAX_ROW:
        raise ValueError("row out of range")
    return str(ULID.from_bytes(_import_prefix(import_id) + row.to_bytes(4, "big")))


def import_id_range(import_id: str) -> tuple[str, str]:
    """The first and last lead id the import can create: every one of its leads sorts between
    them, and (but for a 2⁻⁴⁸ coincidence of another ULID in the same millisecond) nothing else."""
    return imported_lead_id(import_id, 1), imported_lead_id(import_id, MAX_ROW)


def created_by(import_id: str, lead_id: str) -> bool:
    """Whether the import made this id (its time and hash prefix)."""
    return ULID.from_str(lead_id).bytes[:12] == _import_prefix(import_id)
