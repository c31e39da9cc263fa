"""The user's phone region: the one preference other capabilities read (leads and the import read
national-format numbers with it).

Apart from ``logic`` so that its readers do not build the preferences models at cold start.
"""

from __future__ import annotations

from shared.preferences.repository import PreferencesRepository


def phone_region(repo: PreferencesRepository, user_id: str, fallback: str) -> str:
    """The region national-format numbers of this user are read with: their ``default_region``
    (a new account starts with its own phone's country), else the deployment's."""
    stored = repo.get(user_id)
    return str((stored or {}).get("default_region") or fallback)
