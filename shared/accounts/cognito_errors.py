"""Cognito's errors as the API's: each call names the codes it expects, the rest are mapped once.

Apart from ``shared.accounts.cognito`` so that a reader of one account (the import's consent page)
does not load the account models, and with them email-validator and phonenumbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import ClientError

from shared.core.errors import ServiceUnavailable, TooManyRequests
from shared.privacy import get_logger

logger = get_logger()

# Cognito's throttling errors → how long the client should wait (Retry-After, seconds). Its
# request quotas are per second; its limits on attempts (confirmation codes, failed sign-ins) do
# not say how long they last, so the client is asked to wait a minute.
_THROTTLED = {
    "TooManyRequestsException": 1,
    "LimitExceededException": 60,
    "TooManyFailedAttemptsException": 60,
}


@contextmanager
def cognito_errors(mapping: dict[str, Exception]) -> Iterator[None]:
    """Translate Cognito's error codes into domain errors; Cognito's messages are dropped."""
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in mapping:
            raise mapping[code] from None
        if code in _THROTTLED:
            raise TooManyRequests(headers={"Retry-After": str(_THROTTLED[code])}) from None
        logger.warning("cognito call failed", extra={"error_code": code})
        raise ServiceUnavailable() from None
