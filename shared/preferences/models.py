"""Preferences and devices: the synced preferences document with its consent switches, and the
app installations of a user."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from shared.core.models import Output, StrictInput
from shared.core.phone import REGION_PATTERN

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
