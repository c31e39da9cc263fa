"""Preferences and devices: the synced preferences document with its consent switches, and the
app installations of a user. What the preferences API takes in; what it answers with (and the
document's fields) is in ``output.py``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from shared.core.models import StrictInput
from shared.core.region import REGION_PATTERN
from shared.core.text import SINGLE_LINE
from shared.preferences.output import SETTINGS_MAX_BYTES

Region = Annotated[str, Field(pattern=REGION_PATTERN, description="ISO 3166 alpha-2, e.g. IN, US")]
Settings = Annotated[dict[str, Any], Field(description=f"Free app settings, ≤ {SETTINGS_MAX_BYTES} bytes")]
VersionRead = Annotated[
    int | None,
    Field(
        default=None,
        ge=0,
        description="The version last read (0 if never saved), as If-Match does; a stale one gets 412",
    ),
]


def _bounded_settings(value: dict[str, Any] | None) -> dict[str, Any] | None:
    import json

    if value is not None and len(json.dumps(value, separators=(",", ":"))) > SETTINGS_MAX_BYTES:
        raise ValueError("settings are too large")
    return value


class PreferencesPut(StrictInput):
    """``PUT`` replaces the whole document: every field is required (use ``PATCH`` to change some),
    so a client that forgets one cannot silently reset it."""

    location_enabled: bool
    call_log_sync_enabled: bool
    sms_sync_enabled: bool
    file_uploads_enabled: bool
    default_region: Region | None
    settings: Settings
    version: VersionRead

    _settings = field_validator("settings")(_bounded_settings)


class PreferencesPatch(StrictInput):
    """``PATCH`` changes the fields it names and keeps the others; ``default_region: null`` clears it."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    location_enabled: bool | SkipJsonSchema[None] = None
    call_log_sync_enabled: bool | SkipJsonSchema[None] = None
    sms_sync_enabled: bool | SkipJsonSchema[None] = None
    file_uploads_enabled: bool | SkipJsonSchema[None] = None
    default_region: Region | None = None
    settings: Settings | SkipJsonSchema[None] = None
    version: VersionRead

    _settings = field_validator("settings")(_bounded_settings)

    @model_validator(mode="after")
    def _something_to_change(self) -> PreferencesPatch:
        changed = self.model_fields_set - {"version"}
        if not changed:
            raise ValueError("give at least one field to change")
        if any(getattr(self, name) is None for name in changed - {"default_region"}):
            raise ValueError("only default_region can be cleared")
        return self


DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{8,128}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), SINGLE_LINE]


class DeviceBody(StrictInput):
    device_id: DeviceId = Field(description="The app installation's own random id (not a hardware id)")
    platform: Literal["android", "ios"]
    os_version: ShortText
    app_version: ShortText
