"""Preferences: one document synced across the user's devices, with optimistic concurrency.

It carries the consent switches that shared/preferences/consent.py enforces.
"""

from __future__ import annotations

from typing import Any

from shared.core.clock import utcnow
from shared.core.errors import InvalidInput, PreconditionFailed
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.preferences.models import PreferencesPatch, PreferencesPut
from shared.preferences.output import Preferences
from shared.preferences.records import preferences_from_item
from shared.preferences.repository import PreferencesRepository


def _expected(body_version: int | None, if_match: Precondition) -> Precondition:
    """The version a write names: If-Match, or the body's ``version`` (kept from before If-Match
    existed); both at once must agree."""
    if body_version is None:
        return if_match
    from_body = Precondition(frozenset({body_version}))
    if if_match.versions is not None and if_match != from_body:
        raise InvalidInput("If-Match and the body's version disagree.", "version_mismatch")
    return from_body


def _save(repo: PreferencesRepository, user_id: str, changes: dict[str, Any], expected: Precondition) -> Preferences:
    try:
        saved = repo.save(user_id, changes, utcnow(), expected)
    except VersionMismatch as stale:
        raise PreconditionFailed(stale.current) from None
    return preferences_from_item(saved)


def replace_preferences(
    repo: PreferencesRepository, user_id: str, body: PreferencesPut, if_match: Precondition = NO_PRECONDITION
) -> Preferences:
    """``PUT``: the whole document, every field given."""
    return _save(repo, user_id, body.model_dump(exclude={"version"}), _expected(body.version, if_match))


def change_preferences(
    repo: PreferencesRepository, user_id: str, body: PreferencesPatch, if_match: Precondition = NO_PRECONDITION
) -> Preferences:
    """``PATCH``: only the fields given; the others keep their stored (or default) values."""
    changes = {name: getattr(body, name) for name in body.model_fields_set - {"version"}}
    return _save(repo, user_id, changes, _expected(body.version, if_match))
