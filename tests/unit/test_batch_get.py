"""``batch_get`` (shared/core/dynamodb.py): every key answered once, 100 a call, unprocessed keys
asked again, the same answer whether its calls go one at a time or several at once."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from shared.core.dynamodb import UnprocessedItems, batch_get
from shared.core.retry import Backoff


class FlakyTable:
    """BatchGetItem over a dict: each call holds back its last key once (as UnprocessedKeys)."""

    def __init__(self, present: set[str], *, meet: bool = False) -> None:
        self.present = present
        self.calls: list[int] = []
        self.held_back: set[str] = set()
        self.most_at_once = 0
        self._running = 0
        self._lock = threading.Lock()
        # meet: the first two calls wait for each other (up to 2 s), so calls sent at once overlap
        self._gate = threading.Barrier(2, timeout=2) if meet else None

    def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        try:
            if self._gate is not None and len(self.calls) < 2:
                with contextlib.suppress(threading.BrokenBarrierError):
                    self._gate.wait()
            (request,) = RequestItems.values()
            keys = [key["pk"]["S"] for key in request["Keys"]]
            assert len(keys) <= 100
            with self._lock:
                self.calls.append(len(keys))
                hold = keys[-1] not in self.held_back and len(keys) > 1
                if hold:
                    self.held_back.add(keys[-1])
            answered = keys[:-1] if hold else keys
            response: dict[str, Any] = {
                "Responses": {"t": [{"pk": {"S": k}, "sk": {"S": "x"}} for k in answered if k in self.present]}
            }
            if hold:
                response["UnprocessedKeys"] = {"t": {**request, "Keys": [{"pk": {"S": keys[-1]}}]}}
            return response
        finally:
            with self._lock:
                self._running -= 1


NO_WAIT = Backoff(base_s=0, cap_s=0, max_attempts=5, sleep=lambda _s: None)


@pytest.mark.parametrize("in_flight", [1, 4])
def test_every_present_key_is_answered_once_whatever_is_held_back(in_flight: int) -> None:
    keys = [f"k{i:04d}" for i in range(350)]
    table = FlakyTable(present=set(keys[::3]))
    found = batch_get(table, "t", [{"pk": {"S": k}} for k in keys], backoff=NO_WAIT, in_flight=in_flight)
    assert sorted(item["pk"]["S"] for item in found) == sorted(keys[::3])
    assert sorted(table.calls, reverse=True)[:4] == [100, 100, 100, 50]  # then the held-back keys, one a call
    assert len(table.calls) == 8


def test_with_several_in_flight_the_calls_overlap() -> None:
    table = FlakyTable(present=set(), meet=True)
    batch_get(table, "t", [{"pk": {"S": f"k{i}"}} for i in range(400)], backoff=NO_WAIT, in_flight=4)
    assert table.most_at_once >= 2
    one_at_a_time = FlakyTable(present=set(), meet=True)
    batch_get(one_at_a_time, "t", [{"pk": {"S": f"k{i}"}} for i in range(400)], backoff=NO_WAIT, in_flight=1)
    assert one_at_a_time.most_at_once == 1


def test_keys_still_unprocessed_after_the_retries_raise() -> None:
    class NeverAnswers:
        def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
            (request,) = RequestItems.values()
            return {"Responses": {"t": []}, "UnprocessedKeys": {"t": request}}

    with pytest.raises(UnprocessedItems):
        batch_get(NeverAnswers(), "t", [{"pk": {"S": "k"}}], backoff=NO_WAIT)
