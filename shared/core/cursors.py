"""Opaque page cursors: a version prefix and the key to resume after, base64url-encoded.

A cursor only ever names a position inside the caller's own partition (the partition key is
rebuilt from the verified caller), so a tampered cursor can at worst skip the caller's own items.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from shared.core.errors import InvalidInput

CURSOR_MAX_LENGTH = 200  # what a page's ``cursor`` query parameter may be


class InvalidCursor(InvalidInput):
    status = 400
    code = "invalid_cursor"
    message = "The cursor is not valid; start again without it."


def encode(prefix: str, value: str) -> str:
    return base64.urlsafe_b64encode(f"{prefix}{value}".encode()).decode().rstrip("=")


def decode(prefix: str, cursor: str, valid: Callable[[str], bool]) -> str:
    """The value inside ``cursor``; :class:`InvalidCursor` (400) if it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor() from None
    value = text.removeprefix(prefix)
    if not text.startswith(prefix) or not valid(value):
        raise InvalidCursor()
    return value
