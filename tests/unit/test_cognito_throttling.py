"""When Cognito throttles (its per-second quotas, or its limits on attempts), the answer is 429
``too_many_requests`` with ``Retry-After``, like every other 429 of the API; Cognito's message is
dropped. Cognito is botocore's Stubber here: no network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from shared.accounts.cognito import Accounts
from shared.accounts.models import ConfirmRequest, LoginRequest, RefreshRequest, RegisterRequest
from shared.core.api import error_response
from shared.core.errors import TooManyRequests

THROTTLES = {
    "TooManyRequestsException": "1",  # a per-second request quota: the next second has room
    "LimitExceededException": "60",  # a limit on attempts: Cognito does not say for how long
    "TooManyFailedAttemptsException": "60",
}

REGISTER = RegisterRequest.model_validate(
    {
        "name": "Asha Rao",
        "email": "asha@example.com",
        "phone": "+919876543210",
        "password": "Correct-Horse-9",
        "policy_version": "2024-06-01",
    }
)
CALLS: dict[str, tuple[str, Callable[[Accounts], Any]]] = {
    "register": ("sign_up", lambda accounts: accounts.register(REGISTER)),
    "confirm": (
        "confirm_sign_up",
        lambda accounts: accounts.confirm(ConfirmRequest(email="asha@example.com", code="123456")),
    ),
    "login": (
        "initiate_auth",
        lambda accounts: accounts.login(
            LoginRequest.model_validate({"email": "asha@example.com", "password": "Correct-Horse-9"})
        ),
    ),
    "refresh": (
        "initiate_auth",
        lambda accounts: accounts.refresh(RefreshRequest.model_validate({"refresh_token": "r" * 40})),
    ),
    "profile": ("admin_get_user", lambda accounts: accounts.get_me("user-1")),
}


@pytest.mark.parametrize("code", THROTTLES)
@pytest.mark.parametrize("call", CALLS)
def test_cognito_throttling_is_429_with_retry_after(code: str, call: str) -> None:
    idp = boto3.client("cognito-idp", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    operation, run = CALLS[call]
    with Stubber(idp) as stub:
        stub.add_client_error(operation, service_error_code=code, service_message="asha@example.com is busy")
        with pytest.raises(TooManyRequests) as raised:
            run(Accounts(idp, "us-east-1_pool", "client"))
    error = raised.value
    assert (error.status, error.code) == (429, "too_many_requests")
    assert error.headers == {"Retry-After": THROTTLES[code]}
    response = error_response(error.status, error.code, error.message, error.details, error.headers)
    assert response.headers["Retry-After"] == THROTTLES[code]
    assert "asha" not in json.dumps(response.body)
