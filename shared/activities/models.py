"""Activities on leads (calls, SMS, visits, notes), geotagged check-ins, and call/SMS log sync: what
the activities API takes in. What it answers with is in ``output.py``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from shared.activities.output import ActivityType, Direction
from shared.core.models import StrictInput, TimestampInput
from shared.core.text import MULTI_LINE, REMOVED_FROM_LINE, REMOVED_FROM_TEXT
from shared.preferences.models import DeviceId

Body = Annotated[str, StringConstraints(max_length=5000), MULTI_LINE]
Duration = Annotated[int, Field(ge=0, le=86_400)]


class ActivityCreate(StrictInput):
    type: ActivityType = Field(strict=False)
    at: TimestampInput = Field(strict=False, description="When it happened (with a time zone)")
    direction: Direction | None = Field(default=None, strict=False)
    duration_s: Duration | None = None
    body: Body | None = None


class CheckInCreate(StrictInput):
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float = Field(ge=0, le=100_000, allow_inf_nan=False)
    at: TimestampInput = Field(strict=False)
    note: Body | None = None


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


# --- deleting one kind (the Privacy Center) ----------------------------------------------------


class LogSource(StrEnum):
    CALL_LOG = "call_log"
    SMS_LOG = "sms_log"
