"""Activities on leads (calls, SMS, visits, notes), geotagged check-ins, and call/SMS log sync."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.core.models import Output, StrictInput, Timestamp, TimestampInput
from shared.core.text import MULTI_LINE, REMOVED_FROM_LINE, REMOVED_FROM_TEXT
from shared.preferences.models import DeviceId


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


Body = Annotated[str, StringConstraints(max_length=5000), MULTI_LINE]
Duration = Annotated[int, Field(ge=0, le=86_400)]


class ActivityCreate(StrictInput):
    type: ActivityType = Field(strict=False)
    at: TimestampInput = Field(strict=False, description="When it happened (with a time zone)")
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
    at: TimestampInput = Field(strict=False)
    note: Body | None = None


class Activity(Output):
    activity_id: str
    lead_id: str
    type: ActivityType
    at: Timestamp
    direction: Direction | None = None
    duration_s: int | None = None
    body: str | None = None
    location: Location | None = None
    source: Literal["manual", "call_log", "sms_log", "check_in"]
    created_at: Timestamp
    version: int = Field(description="Also the ETag: send it as If-Match to delete only this version")


class ActivityPage(Output):
    items: list[Activity]
    next_cursor: str | None = None


# --- call and SMS log sync ---------------------------------------------------------------------

SYNC_MAX_ENTRIES = 500
LogNumber = Annotated[str, REMOVED_FROM_LINE, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class CallLogEntry(StrictInput):
    number: LogNumber
    direction: Direction = Field(strict=False)
    at: TimestampInput = Field(strict=False)
    duration_s: Duration = 0


class SmsLogEntry(StrictInput):
    number: LogNumber
    direction: Literal["incoming", "outgoing"]
    at: TimestampInput = Field(strict=False)
    # written by the sender: controls are removed, not refused (shared/core/text.py)
    body: Annotated[str, REMOVED_FROM_TEXT, StringConstraints(max_length=2000)] | None = None


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


# --- deleting one kind (the Privacy Center) ----------------------------------------------------


class LogSource(StrEnum):
    CALL_LOG = "call_log"
    SMS_LOG = "sms_log"


class Forgotten(Output):
    """What one request of "delete one kind" did."""

    what: Literal["check_in_locations", "call_log_activities", "sms_log_activities"]
    count: int = Field(description="Check-ins whose location this request deleted, or activities it deleted")
    complete: bool = Field(
        description="False when the request stopped to answer in time: send it again to go on (nothing is done twice)"
    )
