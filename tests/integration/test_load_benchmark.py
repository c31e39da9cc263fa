"""``make load``'s script on the suite's stack, small: its consistency check sees a lost write."""

from __future__ import annotations

import random

import pytest
import requests

from benchmarks.load import Client, Results, percentile, register_user, require_loopback, run_load
from tests.support import Api


def test_a_short_run_has_no_server_errors_and_loses_nothing(api: Api) -> None:
    report = run_load(api.base_url, clients=2, requests_per_client=15, max_seconds=120, seed=1)
    assert report.results.count == 30
    assert report.acknowledged["lead"] >= 1
    assert report.ok, report.text()


def test_the_consistency_check_reports_a_write_that_is_gone(api: Api) -> None:
    client = Client(api.base_url, register_user(api.base_url, requests.Session()), Results(), random.Random(2))
    client.create_lead(budget=10)
    client.create_lead(budget=10)
    client.create_activity(budget=10)
    client.put_preferences(budget=10)
    assert sum(client.lost_writes().values()) == 0

    gone = next(iter(client.leads))  # a lead the API acknowledged, then lost (deleted behind its back)
    deleted = client.session.delete(f"{api.base_url}/v1/leads/{gone}", headers=client._auth(), timeout=10)
    assert deleted.status_code == 204
    changed = client.session.patch(
        f"{api.base_url}/v1/me/preferences",
        json={"version": client.preferences_version, "settings": {"someone": "else"}},
        headers=client._auth(),
        timeout=10,
    )
    assert changed.status_code == 200
    lost = client.lost_writes()
    assert lost["lead"] == 1
    assert lost["preferences"] == 1
    assert lost["activity"] == (1 if gone in client.activities else 0)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 0.99) == 7.0


def test_only_loopback_targets_are_accepted() -> None:
    require_loopback("http://127.0.0.1:8000")
    require_loopback("http://localhost:8000")
    with pytest.raises(SystemExit, match="loopback"):
        require_loopback("http://192.0.2.10:8000")
