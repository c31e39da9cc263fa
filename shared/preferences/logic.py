"""Preferences (synced across devices) and the server-side consent switches they carry.

"This feature is optional and can be disabled": the switches are enforced here, on the server,
before anything is stored — an app that ignores them still cannot upload what the user refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.core.errors import Conflict
from shared.core.fieldwork_models import Preferences, PreferencesBody, PreferencesPut
from shared.preferences.repository import PreferencesRepository, StaleVersion


class FeatureDisabled(Conflict):
    code = "feature_disabled"


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


def save_preferences(repo: PreferencesRepository, user_id: str, body: PreferencesPut) -> Preferences:
    document: dict[str, Any] = body.model_dump(exclude={"version"})
    now = datetime.now(UTC)
    try:
        saved = repo.put(user_id, document, body.version, now)
    except StaleVersion:
        raise Conflict(
            "The preferences changed on another device; read them again and re-apply.", "version_conflict"
        ) from None
    return Preferences.model_validate(saved | {"updated_at": now})


def enforce_location_consent(preferences: PreferencesBody) -> None:
    if not preferences.location_enabled:
        raise FeatureDisabled("Location is turned off in preferences; nothing was stored.", "location_disabled")


def enforce_log_sync_consent(preferences: PreferencesBody, has_calls: bool, has_sms: bool) -> None:
    if has_calls and not preferences.call_log_sync_enabled:
        raise FeatureDisabled(
            "Call log sync is turned off in preferences; nothing was stored.", "call_log_sync_disabled"
        )
    if has_sms and not preferences.sms_sync_enabled:
        raise FeatureDisabled("SMS sync is turned off in preferences; nothing was stored.", "sms_sync_disabled")


def enforce_file_upload_consent(preferences: PreferencesBody) -> None:
    if not preferences.file_uploads_enabled:
        raise FeatureDisabled("File uploads are turned off in preferences.", "file_uploads_disabled")
