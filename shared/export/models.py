"""Data portability and the right to see what is held: the export's pages and the inventory."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.activities.output import Activity
from shared.core.models import Output, Timestamp
from shared.files.output import FileInfo
from shared.leads.output import Lead
from shared.preferences.output import Device, Preferences


class ImportRecord(Output):
    """A Google Sheets import as it is kept: status, counts, row errors; never a cell or the sheet."""

    import_id: str
    status: str
    on_duplicate: str
    rows_read: int
    leads_created: int
    leads_updated: int
    rows_skipped: int
    errors: list[dict[str, Any]] = Field(default_factory=list, description="[{row, code}]: never a cell's content")
    error_code: str | None = None
    created_at: Timestamp
    started_at: Timestamp | None = None
    finished_at: Timestamp | None = None


class ExportPage(Output):
    """One page of the caller's data; follow ``next_cursor`` until it is null and concatenate."""

    profile: dict[str, Any] | None = Field(default=None, description="On the first page only")
    preferences: Preferences | None = None
    devices: list[Device] = Field(default_factory=list)
    leads: list[Lead] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    files: list[FileInfo] = Field(default_factory=list)
    imports: list[ImportRecord] = Field(default_factory=list)
    next_cursor: str | None = None


class ActivityCounts(Output):
    total: int = 0
    manual: int = Field(default=0, description="Entered by you (notes, calls, meetings…)")
    from_call_logs: int = 0
    from_sms_logs: int = 0
    check_ins: int = 0
    check_ins_with_location: int = Field(default=0, description="Check-ins that still carry coordinates")


class FileCounts(Output):
    total: int = 0
    stored: int = Field(default=0, description="Verified files kept in storage")
    stored_bytes: int = 0
    pending: int = Field(default=0, description="Announced, never completed: removed after 24 hours")
    rejected: int = Field(default=0, description="Failed verification: the object was deleted, the record stays")


class ImportCounts(Output):
    total: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)


class TechnicalCounts(Output):
    """Records kept for the service to work: ids, hashes and times, and the index of your leads'
    phone numbers and emails (copies of what the leads hold, deleted with them)."""

    sync_tombstones: int = Field(default=0, description="Which object was deleted and when, for other devices")
    idempotency_records: int = Field(default=0, description="Hashes of recent create requests, kept 24 hours")
    import_tokens: int = Field(default=0, description="A Google access token, sealed, while an import runs")
    contact_index: int = Field(
        default=0,
        description="One per phone number and email of your leads, naming the lead that has it: how a "
        "second lead with the same contact is refused; deleted with the lead",
    )
    import_leases: int = Field(default=0, description="Marks an import or its undo as running (one at a time)")
    limit_counters: int = Field(default=0, description="Requests counted per minute or hour on the costly routes")
    other: int = 0


class RetentionPromises(Output):
    """How long things are kept once deleted, in days (from the deployment's own settings)."""

    backups_days: int = Field(description="Encrypted backups holding deleted data expire within this time")
    logs_days: int = Field(description="Service logs (which may hold IP addresses)")
    deleted_files_days: int = Field(description="A deleted file's stored versions are gone within this time")
    sync_tombstones_days: int
    deletion_receipt_days: int = Field(description="A deletion receipt (no personal data) stays readable")


class Inventory(Output):
    """What the service holds about you, by kind, with counts (no values)."""

    leads: int = 0
    activities: ActivityCounts = Field(default_factory=ActivityCounts)
    files: FileCounts = Field(default_factory=FileCounts)
    devices: int = 0
    imports: ImportCounts = Field(default_factory=ImportCounts)
    preferences_saved: bool = Field(default=False, description="Whether a preferences document is stored")
    technical: TechnicalCounts = Field(default_factory=TechnicalCounts)
    retention: RetentionPromises
    counted_at: Timestamp
