"""Opaque page cursors: a version prefix and the key to resume after, base64url-encoded.

A cursor only ever names a position inside the caller's own partition (the partition key is
rebuilt from the verified caller), so a tampered cursor can at worst skip the caller's own items.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable


def encode(prefix: str, value: str) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{value}".encode()).decode().rstrip("=")


def decode(prefix: str, cursor: str, valid: Callable[[str], bool]) -> str | None:
    """The value inside ``cursor``, or None if it is not one of ours (the caller answers 400)."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not text.startswith(prefix):
        return None
    value = text.removeprefix(prefix)
    return value if valid(value) else None
