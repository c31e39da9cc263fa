"""Lambda@Edge (origin response): API Gateway's own 429 — a route's shared bucket empty — comes
without Retry-After, and HTTP APIs cannot customise gateway responses; CloudFront Functions do not
run on origin errors. This adds ``Retry-After: 1`` (the buckets refill every second) to any 429
that has none. The file is the function's whole code (inlined by infra.edge): stdlib only, no
environment, nothing logged.
"""

from __future__ import annotations

from typing import Any

RETRY_AFTER_S = "1"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response: dict[str, Any] = event["Records"][0]["cf"]["response"]
    headers = response.setdefault("headers", {})
    if str(response.get("status")) == "429" and not headers.get("retry-after"):
        headers["retry-after"] = [{"key": "Retry-After", "value": RETRY_AFTER_S}]
    return response
