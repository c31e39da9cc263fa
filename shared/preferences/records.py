"""The preferences document and the devices as the API shows them, read from their stored items.

Apart from ``logic`` and ``devices`` so that the functions that only read them — the export, the
delta sync, and the consent checks of files and activities — do not build the request models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.core.layout import DEVICE_PREFIX
from shared.preferences.output import Device, Preferences
from shared.preferences.repository import PreferencesRepository


def load_preferences(repo: PreferencesRepository, user_id: str) -> Preferences:
    """The stored document, or the documented defaults (version 0) when never saved."""
    stored = repo.get(user_id)
    return preferences_from_item(stored) if stored is not None else Preferences(version=0)


def preferences_from_item(stored: dict[str, Any]) -> Preferences:
    fields = {name: stored[name] for name in Preferences.model_fields if name in stored}
    fields["version"] = int(stored["version"])
    if "updated_at" in fields:
        fields["updated_at"] = datetime.fromisoformat(fields["updated_at"])
    return Preferences.model_validate(fields)


def to_device(item: dict[str, Any]) -> Device:
    return Device(
        device_id=item.get("device_id") or item["sk"].removeprefix(DEVICE_PREFIX),
        platform=item["platform"],
        os_version=item["os_version"],
        app_version=item["app_version"],
        first_seen=datetime.fromisoformat(item["first_seen"]),
        last_seen=datetime.fromisoformat(item["last_seen"]),
    )
