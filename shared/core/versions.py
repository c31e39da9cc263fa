"""Optimistic concurrency over HTTP: leads, activities and preferences carry a version.

Every response that returns one of them says its version twice: the ``version`` field and the
``ETag`` header (a strong tag, ``"7"``). A ``PATCH``, ``PUT`` or ``DELETE`` may send ``If-Match``
with the tag it read: the write applies only if the object still has that version, otherwise it
is refused with ``412 precondition_failed`` and the current version in the error details, so two
devices never overwrite each other silently. ``If-Match: *`` asks only that the object exists.
Without ``If-Match`` a write applies to whatever version is current (last writer wins): the
documented behaviour of an app that does not track versions.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shared.core.errors import DomainError

IF_MATCH_MAX_TAGS = 10
_TAG = re.compile(r'^"(\d{1,12})"$')


class VersionMismatch(Exception):
    """A conditional write found ``current``, a version its precondition does not allow."""

    def __init__(self, current: int) -> None:
        super().__init__("version mismatch")
        self.current = current


class InvalidIfMatch(DomainError):
    status = 400
    code = "invalid_if_match"
    message = 'If-Match takes * or strong entity tags such as "3" (from an ETag).'


class Precondition(NamedTuple):
    """What ``If-Match`` asks: ``versions`` (any of them), or None for ``*`` / no header."""

    versions: frozenset[int] | None

    def allows(self, current: int) -> bool:
        return self.versions is None or current in self.versions


NO_PRECONDITION = Precondition(None)


def etag(version: int) -> str:
    return f'"{version}"'


def precondition(if_match: str | None) -> Precondition:
    """Parse ``If-Match``; a weak tag (``W/"3"``) never matches for a write (RFC 9110 §13.1.1),
    so it is refused as malformed rather than silently ignored."""
    if if_match is None:
        return NO_PRECONDITION
    value = if_match.strip()
    if value == "*":
        return NO_PRECONDITION
    tags = [tag.strip() for tag in value.split(",")]
    if not 0 < len(tags) <= IF_MATCH_MAX_TAGS:
        raise InvalidIfMatch()
    versions = set()
    for tag in tags:
        match = _TAG.match(tag)
        if match is None:
            raise InvalidIfMatch()
        versions.add(int(match.group(1)))
    return Precondition(frozenset(versions))
