"""Making ULIDs: the ids of new leads, activities, files and imports (python-ulid).

Apart from ``shared.core.ids`` (reading and checking ids) so that functions that never make an
id do not load python-ulid at cold start (its import reads its own package metadata: ~3 ms).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from ulid import ULID


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
