"""A request's time budget: work done in rounds stops while the Lambda still has time to answer.

Bulk deletions (the Privacy Center's "delete one kind") can meet more items than one invocation
can change; they stop between rounds when this says so and answer ``complete: false``, and the
client sends the same request again: each run goes on where the last one ended, because what it
already did is no longer found.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

# What an answer and the last round's in-flight calls need after the check said "go on".
RESERVE_MS = 4000


class RemainingTime(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


def out_of_time(context: RemainingTime, reserve_ms: int = RESERVE_MS) -> Callable[[], bool]:
    """True once less than ``reserve_ms`` of the invocation is left."""
    return lambda: context.get_remaining_time_in_millis() < reserve_ms
