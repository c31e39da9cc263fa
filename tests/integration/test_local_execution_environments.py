"""One invocation at a time in the process, as each Lambda execution environment runs one.

Found by ``make load``: with 20 clients, requests handled at once on the gateway's threads read
each other's event through Powertools' resolver (which holds the current event), and answered
404, 422 or 500 for another user's request. Powertools keeps that event on its ``BaseRouter``
class, so two *different* functions collide as well (stray 404s in five load runs).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from local.gateway import Gateway
from local.stack import LocalStack
from shared.resources import FunctionSpec, RouteSpec

ONE = FunctionSpec(name="one", module="tests.none", description="stand-in", routes=(RouteSpec("GET", "/one", True),))
TWO = FunctionSpec(name="two", module="tests.none", description="stand-in", routes=(RouteSpec("GET", "/two", True),))


class InFlight:
    """Counts invocations running at once, per function."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.most: dict[str, int] = {}

    def handler(self, name: str) -> Any:
        def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
            with self.lock:
                self.now[name] = self.now.get(name, 0) + 1
                self.most[name] = max(self.most.get(name, 0), self.now[name])
            time.sleep(0.02)  # long enough for the other threads to arrive
            with self.lock:
                self.now[name] -= 1
            return {"statusCode": 200, "body": ""}

        return handle


@pytest.fixture(scope="module")
def in_flight() -> InFlight:
    return InFlight()


@pytest.fixture(scope="module")
def gateway(local_stack: LocalStack, in_flight: InFlight) -> Iterator[Gateway]:
    server = Gateway(
        jwks_url=local_stack.jwks_url,
        issuer=local_stack.issuer,
        client_ids=[local_stack.client_id],
        resolver=lambda function, route: in_flight.handler(function.name),
        routes=[(ONE, ONE.routes[0]), (TWO, TWO.routes[0])],
    )
    server.start()
    yield server
    server.stop()


def test_a_function_never_runs_two_invocations_at_once(gateway: Gateway, in_flight: InFlight) -> None:
    paths = ["/one", "/two"] * 8
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        statuses = list(pool.map(lambda path: requests.get(gateway.url + path, timeout=30).status_code, paths))
    assert statuses == [200] * len(paths)
    assert in_flight.most == {"one": 1, "two": 1}


def _reads_its_own_event(name: str, started: threading.Event, other_started: threading.Event) -> Any:
    """A Powertools app whose route waits (≤ 1 s) for the other function's request to start,
    then answers with the path of the event it sees as current."""
    app = APIGatewayHttpResolver()

    @app.get(f"/{name}")
    def seen() -> dict[str, str]:
        started.set()
        other_started.wait(timeout=1)
        return {"path": app.current_event.raw_path}

    return app.resolve


def test_two_functions_never_see_each_others_event(local_stack: LocalStack) -> None:
    first = FunctionSpec(
        name="first", module="tests.none", description="stand-in", routes=(RouteSpec("GET", "/first", True),)
    )
    second = FunctionSpec(
        name="second", module="tests.none", description="stand-in", routes=(RouteSpec("GET", "/second", True),)
    )
    first_started, second_started = threading.Event(), threading.Event()
    handlers = {
        "first": _reads_its_own_event("first", first_started, second_started),
        "second": _reads_its_own_event("second", second_started, first_started),
    }
    server = Gateway(
        jwks_url=local_stack.jwks_url,
        issuer=local_stack.issuer,
        client_ids=[local_stack.client_id],
        resolver=lambda function, route: handlers[function.name],
        routes=[(first, first.routes[0]), (second, second.routes[0])],
    )
    server.start()
    try:

        def second_request() -> dict[str, Any]:
            first_started.wait(timeout=10)  # sent while the first function is inside its handler
            return dict(requests.get(server.url + "/second", timeout=30).json())

        with ThreadPoolExecutor(max_workers=2) as pool:
            seen_second = pool.submit(second_request)
            seen_first = requests.get(server.url + "/first", timeout=30).json()
        assert seen_first == {"path": "/first"}
        assert seen_second.result() == {"path": "/second"}
    finally:
        server.stop()


STEP = FunctionSpec(name="step", module="tests.none", description="a workflow step: no routes")


def test_a_workflow_step_runs_beside_the_api_it_may_wait_on() -> None:
    """A step (no resolver) that waits for an API request must not hold the API's turn: the
    import's tests hold a step while they call the API, as a slow step would in AWS."""
    from local.context import FunctionRegistry, LocalFunction, run

    waiting, release = threading.Event(), threading.Event()

    def step(event: Any, context: Any) -> dict[str, Any]:
        waiting.set()
        assert release.wait(timeout=10)
        return {}

    registry = FunctionRegistry(specs=(STEP,))
    registry.register("step", step)
    held = registry.get("step")
    assert held is not None
    assert not held.serialized
    with ThreadPoolExecutor(max_workers=1) as pool:
        step_run = pool.submit(run, held, {}, "us-east-1")
        assert waiting.wait(timeout=10)
        api = LocalFunction("api", lambda event, context: {"statusCode": 200}, timeout_s=10)
        assert run(api, {}, "us-east-1") == b'{"statusCode": 200}'  # not blocked by the held step
        release.set()
        assert step_run.result(timeout=10) == b"{}"
