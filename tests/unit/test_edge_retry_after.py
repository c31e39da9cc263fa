"""The Lambda@Edge origin-response function adds Retry-After to API Gateway's own 429 (a shared
route bucket empty), which HTTP APIs cannot customise; other responses pass untouched."""

from __future__ import annotations

import copy
from typing import Any

from infra.edge_retry_after import handler


def _event(status: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response = {"status": status, "statusDescription": "", "headers": headers or {}}
    return {"Records": [{"cf": {"config": {"eventType": "origin-response"}, "request": {}, "response": response}}]}


def test_a_429_without_retry_after_gets_one() -> None:
    response = handler(_event("429", {"content-type": [{"key": "Content-Type", "value": "application/json"}]}), None)
    assert response["status"] == "429"
    assert response["headers"]["retry-after"] == [{"key": "Retry-After", "value": "1"}]
    assert response["headers"]["content-type"] == [{"key": "Content-Type", "value": "application/json"}]


def test_a_429_that_says_when_keeps_its_own_retry_after() -> None:
    """The per-user limits and Cognito throttling set their own (e.g. 45 s to the window's end)."""
    own = {"retry-after": [{"key": "Retry-After", "value": "45"}]}
    assert handler(_event("429", copy.deepcopy(own)), None)["headers"] == own


def test_other_statuses_are_untouched() -> None:
    for status in ("200", "401", "404", "500", "503"):
        event = _event(status, {"x": [{"key": "X", "value": "y"}]})
        expected = copy.deepcopy(event["Records"][0]["cf"]["response"])
        assert handler(event, None) == expected
