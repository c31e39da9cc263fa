"""One logger setup for every function: structured fields only, personal values redacted.

Rules enforced here rather than by reviewers' memory:
- any value wrapped in :class:`~shared.privacy.pii.Pii` is masked;
- any field whose name says it carries personal data or secrets is masked, however deep;
- exceptions are logged as type and code location only, never their message (messages of
  botocore and pydantic errors quote the offending input).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from shared.privacy.pii import MASK, Pii

# Field names (lower-case, substring match) whose values are never written to logs.
PERSONAL_FIELD_MARKERS = (
    "name",
    "email",
    "phone",
    "number",
    "password",
    "token",
    "code",
    "secret",
    "authorization",
    "cookie",
    "body",
    "notes",
    "company",
    "address",
    "lat",
    "lng",
    "lon",
    "location",
    "coordinates",
    "filename",
    "file_name",
    "content",
    "query",
    "q",
)
# Names that contain a marker but are known to carry no personal value.
SAFE_FIELDS = frozenset(
    {
        "service",
        "function_name",
        "function_arn",
        "function_memory_size",
        "function_request_id",
        "cold_start",
        "route",
        "route_key",
        "status_code",
        "error_code",
        "level",
        "location",  # Powertools' own "location" is the source line of the log call
        "timestamp",
        "message",
        "xray_trace_id",
        "sampling_rate",
        "exception_name",
        "frames",
        "count",
    }
)


def _is_personal_field(key: str) -> bool:
    lowered = key.lower()
    if lowered in SAFE_FIELDS:
        return False
    if lowered in ("q",):
        return True
    return any(marker in lowered for marker in PERSONAL_FIELD_MARKERS if len(marker) > 1)


def redact(value: Any, key: str | None = None) -> Any:
    """Return ``value`` with every personal part masked (recursively through dicts and lists)."""
    if isinstance(value, Pii):
        return MASK
    if key is not None and _is_personal_field(key) and value is not None:
        return MASK
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    return value


def safe_exception(exc: BaseException) -> dict[str, Any]:
    """Type and code location of an exception; its message is left out (it may quote input)."""
    frames = traceback.extract_tb(exc.__traceback__)[-5:]
    return {
        "exception_name": type(exc).__name__,
        "frames": [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno}:{frame.name}" for frame in frames],
    }


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter with :func:`redact` applied to every structured field."""

    def serialize(self, log: dict[str, Any] | Any) -> str:
        if not isinstance(log, dict):  # Powertools passes a dict; anything else is not ours to emit
            log = {"message": "unserializable log record dropped"}
        cleaned = {key: redact(value, key) for key, value in log.items()}
        # Tracebacks quote exception messages; only safe_exception() output may be logged.
        cleaned.pop("exception", None)
        cleaned.pop("stack_trace", None)
        return super().serialize(cleaned)


# Libraries whose DEBUG and INFO records quote URLs, request bodies or tokens: requests_oauthlib
# logs the token request body (code, client secret) and the token response (access token),
# botocore the parameters of every call (KMS plaintext, items), urllib3 request paths
# (spreadsheet ids). They may warn; they never chatter, whatever the root logger's level.
QUIET_LIBRARIES = (
    "requests_oauthlib",
    "oauthlib",
    "google",
    "google_auth_oauthlib",
    "urllib3",
    "requests",
    "botocore",
    "boto3",
    "s3transfer",
)


def quiet_libraries() -> None:
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def get_logger(service: str | None = None) -> Logger:
    """The logger every module uses; one Powertools logger per service, redacting formatter."""
    quiet_libraries()
    logger = Logger(
        service=service,
        logger_formatter=RedactingFormatter(serialize_stacktrace=False),
        use_rfc3339=True,
    )
    # Only our redacting handler may write these records: no propagation to root handlers
    # (the Lambda runtime's, or anything a library installs) that would format them raw.
    logging.getLogger(logger.name).propagate = False
    return logger
