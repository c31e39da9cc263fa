"""Identifiers: ULIDs (time-sortable) and the composite ids of objects that live under a lead.

An activity or file id is ``<lead_id><own ulid>`` (52 characters): opaque to clients, yet it
names the item's full key, so ``/v1/activities/{id}`` and ``/v1/files/{id}`` are one GetItem or
DeleteItem on the caller's own partition (strongly consistent, no index lookup).

Reading and checking ids is here; making them (python-ulid) is in ``shared.core.ulids``, which only
the functions that make ids load.
"""

from __future__ import annotations

import re

ULID_PATTERN = "[0-9A-HJKMNP-TV-Z]{26}"
_ULID = re.compile(f"^{ULID_PATTERN}$")
_CHILD = re.compile(f"^({ULID_PATTERN})({ULID_PATTERN})$")


def is_id(value: str) -> bool:
    return bool(_ULID.match(value))


def child_id(lead_id: str, own_id: str) -> str:
    return f"{lead_id}{own_id}"


def split_child_id(value: str) -> tuple[str, str] | None:
    """(lead_id, own id), or None when ``value`` is not a child id (answered as 404)."""
    match = _CHILD.match(value)
    return (match.group(1), match.group(2)) if match else None
