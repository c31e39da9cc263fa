"""What Cognito answers that would tell a stranger an email has an account never reaches the
client as a different answer. Cognito's own answers are played by botocore's Stubber (the real
service model, no network)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from shared.accounts.cognito import Accounts
from shared.accounts.models import ConfirmRequest, RegisterRequest
from shared.core.errors import DomainError

EMAIL = "someone@example.com"


@pytest.fixture
def idp() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("cognito-idp", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _refusal(call: Any) -> tuple[int, str]:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.status, refused.value.code


def test_confirming_a_confirmed_account_answers_like_a_wrong_code_for_an_unknown_email(
    idp: tuple[Any, Stubber],
) -> None:
    client, stubber = idp
    accounts = Accounts(client, "pool", "client")
    body = ConfirmRequest(email=EMAIL, code="123456")
    answers = []
    for code, message in [
        ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"),
        ("CodeMismatchException", "Invalid verification code provided, please try again."),
        ("UserNotFoundException", "Username/client id combination not found."),
    ]:
        stubber.add_client_error("confirm_sign_up", service_error_code=code, service_message=message)
        answers.append(_refusal(lambda: accounts.confirm(body)))
    assert answers == [(422, "invalid_code")] * 3


def test_sign_up_of_a_taken_email_is_no_error_of_its_own(idp: tuple[Any, Stubber]) -> None:
    client, stubber = idp
    stubber.add_client_error(
        "sign_up", service_error_code="UsernameExistsException", service_message="User already exists"
    )
    body = RegisterRequest(
        name="Someone",
        email=EMAIL,
        phone="+919876543210",
        password="Correct-Horse-9",  # type: ignore[arg-type]
        policy_version="2024-06-01",
    )
    assert Accounts(client, "pool", "client").register(body) is None
