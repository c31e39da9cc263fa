"""A file's status, apart from the models so that the retention job reads it without them."""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    REJECTED = "rejected"
