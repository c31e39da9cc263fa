"""The preferences document and the devices as responses show them: the preferences API's, the
export's and the delta sync's (``PreferencesBody`` is the document's fields, which every stored
document is read into and the consent checks look at).

Apart from the request models (``models.py``) so that the export and the sync, which show them
but never take one in, do not build the request models and their validators.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from shared.core.models import Output, StrictInput, Timestamp
from shared.core.region import REGION_PATTERN

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


class Preferences(PreferencesBody):
    version: int = Field(description="0 until first saved; also the ETag")
    updated_at: Timestamp | None = None


class Device(Output):
    device_id: str
    platform: str
    os_version: str
    app_version: str
    first_seen: Timestamp
    last_seen: Timestamp


class DeviceList(Output):
    items: list[Device]
