"""Usage metrics count features; their only dimension is the service, never a value from a user."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import TestUser, new_lead_body


def test_metrics_emitted_for_a_lead_carry_only_the_service_dimension(
    user: TestUser, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    assert user.api.post("/v1/leads", json=new_lead_body()).status_code == 201
    emitted = [json.loads(line) for line in capfd.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert emitted, "no metric was emitted"
    for document in emitted:
        directives: list[dict[str, Any]] = document["_aws"]["CloudWatchMetrics"]
        for directive in directives:
            assert directive["Dimensions"] == [["service"]]
        metric_names = {metric["Name"] for directive in directives for metric in directive["Metrics"]}
        allowed = {"_aws", "service", "function_name", *metric_names}
        assert set(document) <= allowed, set(document) - allowed
    assert any("LeadCreated" in document for document in emitted)
