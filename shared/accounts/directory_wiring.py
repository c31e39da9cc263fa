"""The account directory's real adapter, apart from ``wiring`` so that the import's API, which only
shows an account's masked email, does not load the account models (email-validator and
phonenumbers: ~70 ms of a cold start)."""

from __future__ import annotations

from functools import cache

from shared.accounts.directory import AccountDirectory
from shared.core import aws
from shared.core.settings import settings


@cache
def account_directory() -> AccountDirectory:
    """Only the pool id: functions that show an account's masked email need ``user_pool_read``."""
    return AccountDirectory(aws.cognito(), settings().user_pool_id)
