"""Helpers for tests that run against the local stack."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from local.stack import LocalStack, running

_lock = threading.Lock()
_users = 0
_owned: LocalStack | None = None


@contextmanager
def running_stack(**options: Any) -> Iterator[LocalStack]:
    """A started ``LocalStack`` shared by every caller in this process.

    moto allows one stack per process, so nested or parallel fixtures (the lead's e2e session
    fixture and ``tests/integration``'s) get the same stack; the last one out stops it. The
    first caller's ``options`` (``LocalStack`` arguments) win.
    """
    global _users, _owned
    with _lock:
        stack = running()
        if stack is None:
            stack = _owned = LocalStack(**options).start()
        _users += 1
    try:
        yield stack
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _owned is not None:
                _owned.stop()
                _owned = None


# Names of placeholder settings the test suite put into its own environment (so that function
# modules can be imported outside a stack), comma-separated: not for a child's stack to read.
PLACEHOLDERS_ENV = "LOCAL_TEST_PLACEHOLDERS"


def environment_for_another_stack() -> dict[str, str]:
    """The environment for a child process that starts its own stack (``python -m local``,
    ``make up``): this process's, without what its running stack set or the suite's placeholders."""
    stack = running()
    env = stack.environment_before_start() if stack is not None else dict(os.environ)
    placeholders = set(filter(None, env.pop(PLACEHOLDERS_ENV, "").split(",")))
    return {name: value for name, value in env.items() if name not in placeholders}


@dataclass(frozen=True)
class CognitoUser:
    """A confirmed user of the stack's pool and the tokens of one USER_PASSWORD_AUTH login."""

    email: str
    password: str
    sub: str
    access_token: str
    id_token: str
    refresh_token: str


def create_user(
    stack: LocalStack,
    *,
    email: str | None = None,
    password: str = "Correct-Horse-9",  # noqa: S107 - a throwaway user in a throwaway pool
    name: str = "Test User",
    phone_number: str = "+919876543210",
) -> CognitoUser:
    """sign_up + admin_confirm_sign_up + initiate_auth against moto's Cognito."""
    email = email or f"user-{uuid.uuid4().hex[:12]}@example.com"
    cognito = stack.client("cognito-idp")
    sub = cognito.sign_up(
        ClientId=stack.client_id,
        Username=email,
        Password=password,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "name", "Value": name},
            {"Name": "phone_number", "Value": phone_number},
        ],
    )["UserSub"]
    cognito.admin_confirm_sign_up(UserPoolId=stack.user_pool_id, Username=email)
    tokens = cognito.initiate_auth(
        ClientId=stack.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]
    return CognitoUser(
        email=email,
        password=password,
        sub=sub,
        access_token=tokens["AccessToken"],
        id_token=tokens["IdToken"],
        refresh_token=tokens["RefreshToken"],
    )


def wait_for_execution(stack: LocalStack, execution_arn: str, timeout: float = 30.0) -> Any:
    """Poll ``describe_execution`` until the execution leaves RUNNING; returns the description."""
    sfn = stack.client("stepfunctions")
    deadline = time.monotonic() + timeout
    while True:
        description = sfn.describe_execution(executionArn=execution_arn)
        if description["status"] != "RUNNING":
            return description
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution still RUNNING after {timeout}s")
        time.sleep(0.05)
