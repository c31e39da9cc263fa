"""Google Sheets import: the request that starts one and what the app reads back.

Nothing here carries sheet content: a status shows counts, timestamps and per-row error codes
(row number and code, never the cell).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from shared.core.models import Output, StrictInput, Timestamp
from shared.core.text import SINGLE_LINE
from shared.imports.mapping import LeadField, validate_mapping
from shared.imports.status import ImportStatus

IMPORT_PAGE_MAX = 50
IMPORT_PAGE_DEFAULT = 20
HEADER_MAX = 200
MAPPING_MAX = 12

HeaderName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=HEADER_MAX), SINGLE_LINE]


class GoogleSheetsImportRequest(StrictInput):
    spreadsheet: Annotated[str, SINGLE_LINE] = Field(
        min_length=1, max_length=500, description="The spreadsheet's URL (…/spreadsheets/d/<id>/…) or its id"
    )
    sheet: Annotated[str, SINGLE_LINE] | None = Field(
        default=None, min_length=1, max_length=100, description="Sheet (tab) title; the first sheet if omitted"
    )
    header_row: int = Field(default=1, ge=1, le=1_000_000, description="Row holding the column headers")
    mapping: dict[HeaderName, LeadField] | None = Field(
        default=None,
        max_length=MAPPING_MAX,
        description="Column header → lead field. Omitted: columns are matched by header names such as "
        "Name, Phone, Mobile, Email, Company, Notes (case- and accent-insensitive).",
    )
    on_duplicate: Literal["skip", "update"] = Field(
        description="A row whose phone or email matches an existing lead: skip it, or fill in its mapped fields"
    )

    @field_validator("mapping")
    @classmethod
    def _usable_mapping(cls, mapping: dict[str, str] | None) -> dict[str, str] | None:
        if mapping is not None:
            validate_mapping(mapping)
        return mapping


class ImportStarted(Output):
    import_id: str
    authorization_url: str | None = Field(
        description="Open in a browser: our consent page, which shows the receiving account (masked email) "
        "and the spreadsheet, and leads on to Google's consent screen only when the user continues. Null on a "
        "replayed start once the import is no longer awaiting authorization"
    )
    status: ImportStatus


class RowErrorOut(Output):
    row: int = Field(description="Sheet row number")
    code: str = Field(description="Why the row was skipped, e.g. invalid_phone; never the cell's content")


class ImportOut(Output):
    import_id: str
    status: ImportStatus
    on_duplicate: Literal["skip", "update"]
    rows_read: int = Field(description="Non-empty rows processed so far")
    leads_created: int
    leads_updated: int = Field(description="Rows that filled in an existing lead (on_duplicate=update)")
    rows_skipped: int = Field(description="Duplicates skipped and rows with errors")
    progress: float = Field(ge=0, le=1, description="Share of the sheet's rows processed")
    errors: list[RowErrorOut] = Field(description="The first 1,000 rows with errors")
    error_code: str | None = Field(default=None, description="Why the import (or its undo) failed")
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None
    undo_until: Timestamp | None = Field(
        default=None, description="Until when DELETE /v1/imports/{import_id} can undo the import"
    )
    leads_removed: int = Field(default=0, description="Undo: leads the import created, removed")
    leads_kept: int = Field(
        default=0, description="Undo: leads the import created and someone changed since, kept as they are"
    )
    undo_started_at: Timestamp | None = None
    undo_finished_at: Timestamp | None = None


class ImportPage(Output):
    items: list[ImportOut]
    next_cursor: str | None = Field(default=None, description="Opaque; pass back as ?cursor= for the next page")
