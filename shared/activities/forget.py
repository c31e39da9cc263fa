"""Deleting one kind of data without closing the account (the Privacy Center).

Policy: location data — "we delete it once associated activities or accounts are deleted" — and
the activities created "utilizing incoming and outgoing SMS and call logs". A person can delete
either kind at once, keeping the rest of their account:

- :func:`forget_check_in_locations` removes the coordinates (lat, lng, accuracy) from every
  check-in; the visits stay in the leads' timelines without a place. Each check-in gets a new
  version and change stamp, so every device's next sync replaces its copy with one that has no
  location.
- :func:`forget_log_activities` deletes every activity created from call logs, or from SMS logs,
  each with a tombstone so devices delete their copies too.

Both work in rounds and stop while the request can still answer (``complete: false``); sending
the request again goes on where it stopped, since what was done is no longer found. Doing it
twice deletes nothing twice. Copies in encrypted backups expire with the backups (≤ 90 days).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from shared.activities.models import LogSource
from shared.activities.output import Forgotten
from shared.core.dynamodb import in_pages
from shared.privacy import get_logger

logger = get_logger()

ROUND_ITEMS = 100


class ActivityBulk(Protocol):
    """What these deletions need of storage (shared.activities.bulk_repository)."""

    def from_source(self, user_id: str, source: str) -> Iterator[str]: ...
    def located_check_ins(self, user_id: str) -> Iterator[str]: ...
    def delete(self, user_id: str, sort_keys: Sequence[str]) -> int: ...
    def remove_locations(self, user_id: str, sort_keys: Sequence[str]) -> int: ...


def _in_rounds(
    found: Iterator[str], work: Callable[[Sequence[str]], int], out_of_time: Callable[[], bool]
) -> tuple[int, bool]:
    done = 0
    for batch in in_pages(found, ROUND_ITEMS):
        if out_of_time():
            return done, False
        done += work(batch)
    return done, True


def forget_check_in_locations(bulk: ActivityBulk, user_id: str, out_of_time: Callable[[], bool]) -> Forgotten:
    """Delete the location of every check-in of the user; the check-ins themselves stay."""
    count, complete = _in_rounds(
        bulk.located_check_ins(user_id), lambda keys: bulk.remove_locations(user_id, keys), out_of_time
    )
    logger.info("check-in locations deleted", extra={"check_ins": count, "complete": complete})
    return Forgotten(what="check_in_locations", count=count, complete=complete)


def forget_log_activities(
    bulk: ActivityBulk, user_id: str, source: LogSource, out_of_time: Callable[[], bool]
) -> Forgotten:
    """Delete every activity the user's call logs (or SMS logs) created."""
    count, complete = _in_rounds(
        bulk.from_source(user_id, source.value), lambda keys: bulk.delete(user_id, keys), out_of_time
    )
    logger.info("log activities deleted", extra={"source": source.value, "activities": count, "complete": complete})
    what = "call_log_activities" if source is LogSource.CALL_LOG else "sms_log_activities"
    return Forgotten(what=what, count=count, complete=complete)
