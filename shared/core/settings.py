"""Settings read from the environment once per cold start (names from shared.resources)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

from shared import resources

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
DEFAULT_APP_LINK_SCHEME = "leadcrm"
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")


class ConfigurationError(RuntimeError):
    """A required environment variable is missing: a deployment bug, not a client error."""


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"environment variable {name} is not an integer") from None


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
    # Google Sheets import
    import_key_id: str = ""
    import_state_machine_arn: str = ""
    import_block_rows: int = resources.IMPORT_WORKFLOW.rows_per_chunk
    google_client_id: str = ""
    google_client_secret_arn: str = ""
    google_auth_uri: str = GOOGLE_AUTH_URI
    google_token_uri: str = GOOGLE_TOKEN_URI
    google_sheets_url: str = GOOGLE_SHEETS_URL
    google_retry_base_ms: int = 500
    oauth_redirect_uri: str = ""
    app_link_scheme: str = DEFAULT_APP_LINK_SCHEME

    @classmethod
    def from_env(cls) -> Settings:
        scheme = os.environ.get(resources.ENV_APP_LINK_SCHEME) or DEFAULT_APP_LINK_SCHEME
        if not _SCHEME.match(scheme):
            raise ConfigurationError(f"{resources.ENV_APP_LINK_SCHEME} is not a URL scheme")
        block_rows = _int(resources.ENV_IMPORT_BLOCK_ROWS, resources.IMPORT_WORKFLOW.rows_per_chunk)
        if not 1 <= block_rows <= 10_000:
            raise ConfigurationError(f"{resources.ENV_IMPORT_BLOCK_ROWS} must be within 1..10000")
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
            import_key_id=os.environ.get(resources.ENV_IMPORT_KEY_ID, ""),
            import_state_machine_arn=os.environ.get(resources.ENV_IMPORT_STATE_MACHINE_ARN, ""),
            import_block_rows=block_rows,
            google_client_id=os.environ.get(resources.ENV_GOOGLE_CLIENT_ID, ""),
            google_client_secret_arn=os.environ.get(resources.ENV_GOOGLE_CLIENT_SECRET_ARN, ""),
            google_auth_uri=os.environ.get(resources.ENV_GOOGLE_AUTH_URI) or GOOGLE_AUTH_URI,
            google_token_uri=os.environ.get(resources.ENV_GOOGLE_TOKEN_URI) or GOOGLE_TOKEN_URI,
            google_sheets_url=(os.environ.get(resources.ENV_GOOGLE_SHEETS_URL) or GOOGLE_SHEETS_URL).rstrip("/"),
            google_retry_base_ms=_int(resources.ENV_GOOGLE_RETRY_BASE_MS, 500),
            oauth_redirect_uri=os.environ.get(resources.ENV_OAUTH_REDIRECT_URI, ""),
            app_link_scheme=scheme,
        )

    def require(self, *names: str) -> None:
        """Fail at cold start, not mid-request, when a function lacks what it needs."""
        for name in names:
            if not getattr(self, name):
                raise ConfigurationError(f"setting {name} is not configured")


@cache
def settings() -> Settings:
    return Settings.from_env()
