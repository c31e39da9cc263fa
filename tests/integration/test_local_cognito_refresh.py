"""The local Cognito refuses a refresh token once its user is disabled or deleted, as Cognito does
(moto issued tokens for a disabled user and failed with a 500 for a deleted one)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import TestUser


def _refresh(local_stack: Any, user: TestUser) -> dict[str, Any]:
    result: dict[str, Any] = local_stack.client("cognito-idp").initiate_auth(
        ClientId=local_stack.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": user.tokens["refresh_token"]},
    )
    return result


def test_an_enabled_users_refresh_token_works(local_stack: Any, user: TestUser) -> None:
    assert _refresh(local_stack, user)["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize("gone", ["admin_disable_user", "admin_delete_user"])
def test_a_disabled_or_deleted_users_refresh_token_is_refused(local_stack: Any, user: TestUser, gone: str) -> None:
    getattr(local_stack.client("cognito-idp"), gone)(UserPoolId=local_stack.user_pool_id, Username=user.email)
    with pytest.raises(ClientError) as refused:
        _refresh(local_stack, user)
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
