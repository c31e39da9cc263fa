"""Preferences: one document synced across the user's devices, with optimistic concurrency.

It carries the consent switches that shared/preferences/consent.py enforces.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.core.clock import utcnow
from shared.core.errors import Conflict
from shared.preferences.models import Preferences, PreferencesPut
from shared.preferences.repository import PreferencesRepository, StaleVersion


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
    now = utcnow()
    try:
        saved = repo.put(user_id, document, body.version, now)
    except StaleVersion:
        raise Conflict(
            "The preferences changed on another device; read them again and re-apply.", "version_conflict"
        ) from None
    return Preferences.model_validate(saved | {"updated_at": now})
