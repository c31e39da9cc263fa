"""Suite-wide fixtures. No real AWS credentials or endpoints can be reached from tests."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local.testing import PLACEHOLDERS_ENV
from shared.resources import NEED_ENVIRONMENT
from tests.support import Api, TestUser, create_user

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_SESSION_TOKEN", None)
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "LeadCrm")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "tests")
# Small import blocks, so a sheet of a few hundred rows runs through several workflow chunks.
os.environ.setdefault("IMPORT_BLOCK_ROWS", "40")
# A function module checks its environment when it is imported (shared/core/settings.py): tests
# that import one outside a running stack get placeholders; the local stack sets the real values.
_placeholders = sorted({name for names in NEED_ENVIRONMENT.values() for name in names} - set(os.environ))
for _name in _placeholders:
    os.environ[_name] = f"placeholder-{_name.lower().replace('_', '-')}"
# A child that starts its own stack (`python -m local`) must not take them for real settings.
os.environ[PLACEHOLDERS_ENV] = ",".join(_placeholders)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[Any]:
    """ONE local stack per run: boto3 clients are cached per process, as in a warm Lambda."""
    from local.testing import running_stack

    with running_stack(port=0) as stack:
        yield stack


@pytest.fixture(scope="session")
def api(local_stack: Any) -> Api:
    return Api(local_stack.gateway_url)


@pytest.fixture
def make_user(api: Api) -> Callable[[], TestUser]:
    return lambda: create_user(api)


@pytest.fixture
def user(make_user: Callable[[], TestUser]) -> TestUser:
    return make_user()


class AwsCalls:
    """Every AWS API call the handlers make (through shared.core.aws clients), by operation name.

    Calls of workflow tasks and jobs (functions without routes) are left out: they run beside the
    request on other threads (an erasure started by an earlier DELETE /v1/me), not for it.
    """

    def __init__(self) -> None:
        from shared.resources import FUNCTIONS

        self.operations: list[str] = []
        self._background = {spec.name for spec in FUNCTIONS if not spec.routes}

    def __call__(self, model: Any, **_: Any) -> None:
        from local.context import current_function

        if current_function() not in self._background:
            self.operations.append(model.name)

    def count(self, operation: str) -> int:
        return self.operations.count(operation)

    def reset(self) -> None:
        self.operations.clear()


@pytest.fixture
def aws_calls(local_stack: Any) -> Iterator[AwsCalls]:
    """Counts calls with a botocore ``before-call`` hook on the clients the functions use."""
    from shared.core import aws

    calls = AwsCalls()
    clients = [aws.dynamodb(), aws.s3(), aws.cognito(), aws.kms(), aws.stepfunctions()]
    for client in clients:
        client.meta.events.register("before-call.*.*", calls)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("before-call.*.*", calls)
