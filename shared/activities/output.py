"""Activities as responses show them: the activities API's, the export's and the delta sync's.

Apart from the request models (``models.py``) so that the export and the sync, which show
activities but never take one in, do not build the request models and their validators.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from shared.core.models import Output, Timestamp


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


class Location(Output):
    lat: float
    lng: float
    accuracy_m: float


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


class SyncResult(Output):
    created: int = Field(description="Activities created on matching leads")
    duplicates: int = Field(description="Entries already synced before")
    ignored: int = Field(description="Entries matching no lead: discarded, never stored")


class Forgotten(Output):
    """What one request of "delete one kind" did."""

    what: Literal["check_in_locations", "call_log_activities", "sms_log_activities"]
    count: int = Field(description="Check-ins whose location this request deleted, or activities it deleted")
    complete: bool = Field(
        description="False when the request stopped to answer in time: send it again to go on (nothing is done twice)"
    )
