"""docs/cost.md is what benchmarks/cost_model.py computes, and the model's inputs match the code:
the routes it prices exist, the usage profile adds up, the revocation check's read units follow
shared/core/identity.py's choice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks import cost_model
from benchmarks.cost_model import DOC, Knobs, costs, render, revocation_rru, revocation_units_per_request
from shared.resources import all_routes


def test_the_document_is_what_the_script_computes() -> None:
    assert DOC.read_text() == render(), "docs/cost.md is stale: run `make cost`"


def test_every_priced_route_is_a_route_of_the_api() -> None:
    routes = {route.route_key for _, route in all_routes()}
    priced = set(cost_model.DAILY_MIX) | set(cost_model.IMPORT_MIX) | set(cost_model.EXPORT_MIX)
    assert priced <= routes
    assert priced == set(cost_model.ROUTE_USE)


def test_the_daily_mix_is_the_profiles_calls_per_workday() -> None:
    assert sum(cost_model.DAILY_MIX.values()) == cost_model.CALLS_PER_USER_PER_WORKDAY


PROFILE = Path(__file__).resolve().parents[2] / "docs" / "usage-profile.md"


def _profile_row(label: str) -> str:
    match = re.search(rf"^\| {re.escape(label)} \| ([^|]+) \|", PROFILE.read_text(), flags=re.M)
    assert match, label
    return match.group(1).strip()


def test_the_model_prices_the_usage_profile_the_limits_are_sized_from() -> None:
    assert _profile_row("workdays a month") == str(cost_model.WORKDAYS_PER_MONTH)
    active = _profile_row("users active on a workday")
    assert active.startswith(f"{cost_model.ACTIVE_SHARE_PER_WORKDAY * 100:.0f} % of MAU")
    assert _profile_row("API calls per active user per workday") == str(cost_model.CALLS_PER_USER_PER_WORKDAY)
    assert _profile_row("working window").startswith(f"{cost_model.ACTIVE_HOURS_PER_WORKDAY} h")
    imports = _profile_row("Google Sheets imports")
    assert (
        imports == f"{cost_model.IMPORTS_PER_USER_PER_MONTH} a month per user, {cost_model.ROWS_PER_IMPORT} rows each"
    )
    exports = _profile_row("exports (`GET /v1/me/export`)")
    assert exports == f"{cost_model.EXPORT_SHARE_PER_MONTH * 100:.0f} % of users a month"


@pytest.mark.parametrize(
    ("route", "units"), [("GET /v1/leads", 0.5), ("POST /v1/leads", 1.0), ("POST /v1/auth/refresh", 0.0)]
)
def test_the_revocation_check_costs_what_identity_reads(route: str, units: float) -> None:
    assert revocation_rru(route, Knobs()) == units


def test_the_cheaper_check_reads_fewer_units_than_before() -> None:
    before, _ = revocation_units_per_request(Knobs(consistent_revocation_reads=True))
    after, _ = revocation_units_per_request(Knobs())
    assert before == 1.0
    assert 0.5 < after < before


def test_costs_grow_with_users_and_the_knobs_move_what_they_name() -> None:
    small, large = costs(1_000), costs(100_000)
    assert sum(large.values()) > sum(small.values())
    assert "X-Ray traces" not in small
    assert costs(1_000, Knobs(tracing=True))["X-Ray traces"] > 0
    assert costs(1_000, Knobs(log_level="WARNING"))["CloudWatch Logs ingestion"] < small["CloudWatch Logs ingestion"]
    off = costs(1_000, Knobs(snap_start=False))
    assert "SnapStart snapshot cache" not in off
    assert off["Lambda init (cold starts)"] > 0
