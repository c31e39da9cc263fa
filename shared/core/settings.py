"""A function's settings, read from its environment once, at cold start, and checked there.

Each function module calls :func:`load_settings` with its ``FunctionSpec`` while it is imported:
every environment variable its needs imply (``shared.resources.NEED_ENVIRONMENT``, the same
table infra sets them from) must be present, and every value must be well-formed. A missing or
malformed variable fails the init with a message that names the variable (never its value), so
a bad deployment is seen at once and not by the first request that happens to touch it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from shared import resources as r
from shared.core.region import REGION_PATTERN

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
DEFAULT_APP_LINK_SCHEME = "leadcrm"

HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]


class ConfigurationError(RuntimeError):
    """A function's environment is incomplete or malformed: a deployment bug, not a client error."""


class Settings(BaseModel):
    """Every setting a function may have; which are required depends on the function's needs."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=False)

    table_name: str = Field("", alias=r.ENV_TABLE_NAME)
    uploads_bucket: str = Field("", alias=r.ENV_UPLOADS_BUCKET)
    user_pool_id: str = Field("", alias=r.ENV_USER_POOL_ID)
    user_pool_client_id: str = Field("", alias=r.ENV_USER_POOL_CLIENT_ID)
    default_phone_region: str = Field("IN", alias=r.ENV_DEFAULT_PHONE_REGION, pattern=REGION_PATTERN)
    table_arn: str = Field("", alias=r.ENV_TABLE_ARN)
    backups_bucket: str = Field("", alias=r.ENV_BACKUPS_BUCKET)
    data_key_arn: str = Field("", alias=r.ENV_DATA_KEY_ARN)
    receipt_key_id: str = Field("", alias=r.ENV_RECEIPT_KEY_ID)
    erasure_state_machine_arn: str = Field("", alias=r.ENV_ERASURE_STATE_MACHINE_ARN)
    # Google Sheets import
    import_key_id: str = Field("", alias=r.ENV_IMPORT_KEY_ID)
    import_state_machine_arn: str = Field("", alias=r.ENV_IMPORT_STATE_MACHINE_ARN)
    import_undo_state_machine_arn: str = Field("", alias=r.ENV_IMPORT_UNDO_STATE_MACHINE_ARN)
    # An import's writes keep to this many units a second (of the ~1,000 one partition takes);
    # 0: unpaced.
    import_write_units_per_second: int = Field(
        r.IMPORT_WRITE_UNITS_PER_SECOND, alias=r.ENV_IMPORT_WRITE_UNITS_PER_SECOND, ge=0, le=40_000
    )
    import_block_rows: int = Field(r.IMPORT_WORKFLOW.rows_per_chunk, alias=r.ENV_IMPORT_BLOCK_ROWS, ge=1, le=10_000)
    google_client_id: str = Field("", alias=r.ENV_GOOGLE_CLIENT_ID)
    google_client_secret_arn: str = Field("", alias=r.ENV_GOOGLE_CLIENT_SECRET_ARN)
    google_auth_uri: HttpUrl = Field(GOOGLE_AUTH_URI, alias=r.ENV_GOOGLE_AUTH_URI)
    google_token_uri: HttpUrl = Field(GOOGLE_TOKEN_URI, alias=r.ENV_GOOGLE_TOKEN_URI)
    google_sheets_url: HttpUrl = Field(GOOGLE_SHEETS_URL, alias=r.ENV_GOOGLE_SHEETS_URL)
    google_retry_base_ms: int = Field(500, alias=r.ENV_GOOGLE_RETRY_BASE_MS, ge=0, le=60_000)
    oauth_redirect_uri: str = Field("", alias=r.ENV_OAUTH_REDIRECT_URI)
    app_link_scheme: str = Field(
        DEFAULT_APP_LINK_SCHEME, alias=r.ENV_APP_LINK_SCHEME, pattern=r"^[a-z][a-z0-9+.-]{0,31}$"
    )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, required: Iterable[str] = ()) -> Settings:
        """Read the environment; ``required`` names variables that must be set (not empty).

        Raises :class:`ConfigurationError` naming each missing or malformed variable."""
        environ = os.environ if environ is None else environ
        names = {field.alias for field in cls.model_fields.values() if field.alias}
        given = {name: environ[name] for name in names if environ.get(name)}  # empty means unset
        missing = sorted(set(required) - set(given))
        if missing:
            raise ConfigurationError(f"environment variable(s) not set: {', '.join(missing)}")
        try:
            settings = cls.model_validate(given)
        except ValidationError as exc:
            bad = sorted({str(error["loc"][0]) for error in exc.errors()})
            raise ConfigurationError(f"environment variable(s) malformed: {', '.join(bad)}") from None
        return settings.model_copy(update={"google_sheets_url": settings.google_sheets_url.rstrip("/")})


def required_environment(spec: r.FunctionSpec) -> set[str]:
    """What a function's needs put into its environment: all of it must be there at init."""
    return {name for need in spec.needs for name in r.NEED_ENVIRONMENT[need]}


_current: Settings | None = None


def load_settings(spec: r.FunctionSpec | None = None) -> Settings:
    """Read and check the settings for the function ``spec`` (at its module's import), and keep
    them for :func:`settings`. Without a spec nothing is required (operator commands, tests)."""
    global _current
    _current = Settings.from_environment(required=required_environment(spec) if spec else ())
    return _current


def settings() -> Settings:
    """The settings read at cold start (read now, requiring nothing, if no function loaded them)."""
    return _current if _current is not None else load_settings()
