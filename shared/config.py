"""Settings read from the environment once per cold start (names from shared.resources)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from shared import resources


class ConfigurationError(RuntimeError):
    """A required environment variable is missing: a deployment bug, not a client error."""


@dataclass(frozen=True)
class Settings:
    table_name: str
    uploads_bucket: str
    user_pool_id: str
    user_pool_client_id: str
    default_phone_region: str
    table_arn: str = ""
    backups_bucket: str = ""
    data_key_arn: str = ""
    receipt_key_id: str = ""
    erasure_state_machine_arn: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            table_name=os.environ.get(resources.ENV_TABLE_NAME, ""),
            uploads_bucket=os.environ.get(resources.ENV_UPLOADS_BUCKET, ""),
            user_pool_id=os.environ.get(resources.ENV_USER_POOL_ID, ""),
            user_pool_client_id=os.environ.get(resources.ENV_USER_POOL_CLIENT_ID, ""),
            default_phone_region=os.environ.get(resources.ENV_DEFAULT_PHONE_REGION, "IN"),
            table_arn=os.environ.get(resources.ENV_TABLE_ARN, ""),
            backups_bucket=os.environ.get(resources.ENV_BACKUPS_BUCKET, ""),
            data_key_arn=os.environ.get(resources.ENV_DATA_KEY_ARN, ""),
            receipt_key_id=os.environ.get(resources.ENV_RECEIPT_KEY_ID, ""),
            erasure_state_machine_arn=os.environ.get(resources.ENV_ERASURE_STATE_MACHINE_ARN, ""),
        )

    def require(self, *names: str) -> None:
        """Fail at cold start, not mid-request, when a function lacks what it needs."""
        for name in names:
            if not getattr(self, name):
                raise ConfigurationError(f"setting {name} is not configured")


@cache
def settings() -> Settings:
    return Settings.from_env()
