"""One retry policy for everything this code retries itself: exponential backoff with full jitter,
a server's ``Retry-After`` honoured (within the cap), and an injectable sleep so tests never wait.

boto3 retries its own calls (standard mode, shared.core.aws); this is for what boto3 cannot see:
DynamoDB's UnprocessedItems/UnprocessedKeys and the Sheets API's HTTP answers.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """``max_attempts`` tries in all; before try ``n + 1`` wait a uniform draw from
    ``[0, min(cap_s, base_s * 2**n)]`` (AWS's "full jitter"), or the server's Retry-After."""

    base_s: float = 0.05
    cap_s: float = 2.0
    max_attempts: int = 8
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int, retry_after_s: float | None = None) -> float:
        if retry_after_s is not None and retry_after_s >= 0:
            return min(retry_after_s, self.cap_s)
        return random.uniform(0, min(self.cap_s, self.base_s * 2**attempt))  # noqa: S311 - jitter, not crypto

    def pause(self, attempt: int, retry_after_s: float | None = None) -> None:
        """Wait before the try after ``attempt`` (0 for the first try)."""
        self.sleep(self.delay(attempt, retry_after_s))

    def can_retry(self, attempt: int) -> bool:
        """Whether a try may follow try number ``attempt`` (0-based)."""
        return attempt + 1 < self.max_attempts


def retry_after_seconds(header: str | None) -> float | None:
    """``Retry-After`` as seconds when it is a number of seconds (the HTTP-date form is ignored)."""
    value = (header or "").strip()
    return float(value) if value.isdigit() else None
