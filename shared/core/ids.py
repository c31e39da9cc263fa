"""Identifiers: ULIDs (time-sortable) and the composite ids of objects that live under a lead.

An activity or file id is ``<lead_id><own ulid>`` (52 characters): opaque to clients, yet it
names the item's full key, so ``/v1/activities/{id}`` and ``/v1/files/{id}`` are one GetItem or
DeleteItem on the caller's own partition (strongly consistent, no index lookup).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from ulid import ULID

ULID_PATTERN = "[0-9A-HJKMNP-TV-Z]{26}"
_ULID = re.compile(f"^{ULID_PATTERN}$")
_CHILD = re.compile(f"^({ULID_PATTERN})({ULID_PATTERN})$")


def new_id() -> str:
    return str(ULID())


def id_at(moment: datetime) -> str:
    """A fresh ULID whose time part is ``moment`` (so ids sort by event time, not arrival).

    A ULID's time starts in 1970: earlier moments (a valid ``at``) sort as 1970, as in
    :func:`deterministic_id`. The random part is drawn here, not by python-ulid's monotonic
    counter, which counts up from 0…01 in every new process for that first millisecond."""
    millis = max(0, int(moment.timestamp() * 1000))
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + secrets.token_bytes(10)))


def deterministic_id(moment: datetime, *parts: str) -> str:
    """The same ULID for the same inputs: re-sending an entry cannot create a second item."""
    millis = max(0, int(moment.timestamp() * 1000))
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + digest[:10]))


def is_id(value: str) -> bool:
    return bool(_ULID.match(value))


def child_id(lead_id: str, own_id: str) -> str:
    return f"{lead_id}{own_id}"


def split_child_id(value: str) -> tuple[str, str] | None:
    """(lead_id, own id), or None when ``value`` is not a child id (answered as 404)."""
    match = _CHILD.match(value)
    return (match.group(1), match.group(2)) if match else None
