"""The uploads bucket as the lead delete cascade uses it (shared/core/object_store.py
``ObjectDeleter``): stored object versions by key, every one under a prefix deleted at once."""

from __future__ import annotations

import math

from shared.core.object_store import DELETE_OBJECTS_MAX, DeletionCount


class FakeObjectStore:
    def __init__(self) -> None:
        self.versions: list[str] = []  # one entry per stored version of a key
        self.deleted_prefixes: list[str] = []

    def put(self, key: str) -> None:
        self.versions.append(key)

    def delete_everything_under(self, prefix: str) -> DeletionCount:
        self.deleted_prefixes.append(prefix)
        doomed = [key for key in self.versions if key.startswith(prefix)]
        self.versions = [key for key in self.versions if not key.startswith(prefix)]
        return DeletionCount(
            list_calls=1, delete_calls=math.ceil(len(doomed) / DELETE_OBJECTS_MAX), deleted=len(doomed)
        )
