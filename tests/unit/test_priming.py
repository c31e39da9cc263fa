"""Priming (shared/core/priming.py) pays a first request's one-off work before the SnapStart
snapshot, for every SnapStart function and only those, without calling AWS or keeping a client."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from benchmarks.cold_start import probe_env
from shared.core.priming import NEED_SERVICES
from shared.resources import FUNCTIONS, HEALTH_FUNCTION, SNAPSTART_FUNCTIONS, Need

ROOT = Path(__file__).resolve().parents[2]
CLOSED_PORT = "http://127.0.0.1:9"  # discard: any request priming made would fail


def prime(*modules: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.priming_probe", *modules],
        cwd=ROOT,
        env=probe_env() | {"PYTHONDONTWRITEBYTECODE": "1", "AWS_ENDPOINT_URL": CLOSED_PORT},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture(scope="module")
def every_function() -> dict[str, Any]:
    return prime(*(spec.module for spec in FUNCTIONS))


def test_every_snapstart_function_and_only_those_register_their_priming(every_function: dict[str, Any]) -> None:
    primed = [hook["spec"] for hook in every_function["hooks"] if hook["hook"] == "warm_function"]
    assert sorted(primed) == sorted(spec.name for spec in SNAPSTART_FUNCTIONS)


def test_priming_calls_no_aws_api_and_leaves_no_client_with_credentials(every_function: dict[str, Any]) -> None:
    assert every_function["aws_calls"] == []
    assert every_function["clients_with_credentials"] == 0


def test_priming_builds_the_validation_of_every_route(every_function: dict[str, Any]) -> None:
    for spec in FUNCTIONS:
        if not spec.routes:
            continue
        built = every_function["routes"][spec.module]
        assert set(built) == {route.route_key for route in spec.routes}, spec.name
        assert all(built.values()), spec.name
        # Powertools builds it on a route's first request: without priming, that request's work.
        assert not any(every_function["routes_at_init"][spec.module].values()), spec.name


def test_a_function_is_not_made_to_load_libraries_it_does_not_use() -> None:
    report = prime(HEALTH_FUNCTION.module)
    assert report["loaded"] == []
    assert all(report["routes"][HEALTH_FUNCTION.module].values())


def test_every_need_names_the_services_it_is_used_through() -> None:
    assert set(NEED_SERVICES) == set(typing.get_args(Need))
