"""Field work: preferences, devices, activities (calls, SMS, visits), check-ins, files, export."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from shared.core.models import Output, StrictInput
from shared.core.phone import REGION_PATTERN
from shared.leads.models import Lead

# --- preferences and devices -------------------------------------------------------------------

SETTINGS_MAX_BYTES = 8192


class PreferencesBody(StrictInput):
    """The synced preferences document. Every feature that touches personal data is optional and
    off until the user turns it on, except file uploads, which only ever send files the user picks."""

    location_enabled: bool = Field(default=False, description="Geotagged check-ins (default off)")
    call_log_sync_enabled: bool = Field(default=False, description="Activities from call logs (default off)")
    sms_sync_enabled: bool = Field(default=False, description="Activities from SMS logs (default off)")
    file_uploads_enabled: bool = Field(default=True, description="Invoices, PDFs and images (default on)")
    default_region: str | None = Field(
        default=None, pattern=REGION_PATTERN, description="ISO 3166 region for phone numbers without a country code"
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description=f"Free app settings, ≤ {SETTINGS_MAX_BYTES} bytes"
    )

    @field_validator("settings")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        import json

        if len(json.dumps(value, separators=(",", ":"))) > SETTINGS_MAX_BYTES:
            raise ValueError("settings are too large")
        return value


class PreferencesPut(PreferencesBody):
    version: int = Field(ge=0, description="The version last read (0 if never saved); a stale one gets 409")


class Preferences(PreferencesBody):
    version: int
    updated_at: datetime | None = None


DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{8,128}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class DeviceBody(StrictInput):
    device_id: DeviceId = Field(description="The app installation's own random id (not a hardware id)")
    platform: Literal["android", "ios"]
    os_version: ShortText
    app_version: ShortText


class Device(Output):
    device_id: str
    platform: str
    os_version: str
    app_version: str
    first_seen: datetime
    last_seen: datetime


class DeviceList(Output):
    items: list[Device]


# --- activities --------------------------------------------------------------------------------


class ActivityType(StrEnum):
    NOTE = "note"
    CALL = "call"
    SMS = "sms"
    MEETING = "meeting"
    EMAIL = "email"
    CHECK_IN = "check_in"


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    MISSED = "missed"


Body = Annotated[str, StringConstraints(max_length=5000)]
Duration = Annotated[int, Field(ge=0, le=86_400)]


class ActivityCreate(StrictInput):
    type: ActivityType = Field(strict=False)
    at: AwareDatetime = Field(strict=False, description="When it happened (with a time zone)")
    direction: Direction | None = Field(default=None, strict=False)
    duration_s: Duration | None = None
    body: Body | None = None


class Location(Output):
    lat: float
    lng: float
    accuracy_m: float


class CheckInCreate(StrictInput):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    at: AwareDatetime = Field(strict=False)
    note: Body | None = None


class Activity(Output):
    activity_id: str
    lead_id: str
    type: ActivityType
    at: datetime
    direction: Direction | None = None
    duration_s: int | None = None
    body: str | None = None
    location: Location | None = None
    source: Literal["manual", "call_log", "sms_log", "check_in"]
    created_at: datetime


class ActivityPage(Output):
    items: list[Activity]
    next_cursor: str | None = None


# --- call and SMS log sync ---------------------------------------------------------------------

SYNC_MAX_ENTRIES = 500
LogNumber = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class CallLogEntry(StrictInput):
    number: LogNumber
    direction: Direction = Field(strict=False)
    at: AwareDatetime = Field(strict=False)
    duration_s: Duration = 0


class SmsLogEntry(StrictInput):
    number: LogNumber
    direction: Literal["incoming", "outgoing"]
    at: AwareDatetime = Field(strict=False)
    body: Annotated[str, StringConstraints(max_length=2000)] | None = None


class DeviceLogSync(StrictInput):
    device_id: DeviceId
    calls: list[CallLogEntry] = Field(default_factory=list, max_length=SYNC_MAX_ENTRIES)
    sms: list[SmsLogEntry] = Field(default_factory=list, max_length=SYNC_MAX_ENTRIES)

    @model_validator(mode="after")
    def _bounded(self) -> DeviceLogSync:
        if len(self.calls) + len(self.sms) > SYNC_MAX_ENTRIES:
            raise ValueError(f"at most {SYNC_MAX_ENTRIES} entries per sync")
        return self


class SyncResult(Output):
    created: int = Field(description="Activities created on matching leads")
    duplicates: int = Field(description="Entries already synced before")
    ignored: int = Field(description="Entries matching no lead: discarded, never stored")


# --- files -------------------------------------------------------------------------------------

ALLOWED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic")
MAX_FILE_BYTES = 20 * 1024 * 1024
FileName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
]


class FileUploadRequest(StrictInput):
    filename: FileName
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"]
    size: int = Field(ge=1, le=MAX_FILE_BYTES, description=f"Exact size in bytes, ≤ {MAX_FILE_BYTES}")


class UploadForm(Output):
    url: str
    fields: dict[str, str]
    expires_in: int


class FileUpload(Output):
    file_id: str
    upload: UploadForm = Field(description="POST the file as multipart/form-data: these fields, then `file`")


class FileStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    REJECTED = "rejected"


class FileInfo(Output):
    file_id: str
    lead_id: str
    filename: str
    content_type: str
    size: int
    status: FileStatus
    rejection: str | None = None
    created_at: datetime
    download_url: str | None = Field(default=None, description="Short-lived link; only on GET /v1/files/{file_id}")
    download_expires_in: int | None = None


class FileList(Output):
    items: list[FileInfo]


# --- export ------------------------------------------------------------------------------------


class ExportPage(Output):
    """One page of the caller's data; follow ``next_cursor`` until it is null and concatenate."""

    profile: dict[str, Any] | None = Field(default=None, description="On the first page only")
    preferences: Preferences | None = None
    devices: list[Device] = Field(default_factory=list)
    leads: list[Lead] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    files: list[FileInfo] = Field(default_factory=list)
    next_cursor: str | None = None
