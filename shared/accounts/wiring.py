"""The accounts capability's real adapter: the Cognito user pool and app client."""

from __future__ import annotations

from functools import cache

from shared.accounts.cognito import Accounts
from shared.accounts.mfa import Totp
from shared.core import aws
from shared.core.settings import settings


@cache
def accounts() -> Accounts:
    config = settings()
    return Accounts(aws.cognito(), config.user_pool_id, config.user_pool_client_id)


@cache
def totp() -> Totp:
    return Totp(aws.cognito())
