"""Error reporting that never sees payloads.

The policy names Sentry, Crashlytics and Embrace and promises they "do not have access to the
payload of your data". Sentry is enabled only when ``SENTRY_DSN`` is configured (so the SDK is
not even imported otherwise), with personal-data defaults off, request bodies never read, local
variables never captured, logging integration disabled, and :func:`scrub_event` applied to every
event: what leaves is the exception's type, its stack frames (code, not values) and the route.
"""

from __future__ import annotations

import os
from typing import Any

ENV_SENTRY_DSN = "SENTRY_DSN"
REDACTED = "[redacted]"
_enabled = False

# Event fields that can carry request data or values; dropped whole.
_DROPPED_FIELDS = ("request", "user", "extra", "logentry", "message", "server_name", "modules")
# Frame fields that can carry values (``vars``) or data-bearing source lines.
_DROPPED_FRAME_FIELDS = ("vars", "context_line", "pre_context", "post_context")
_KEPT_TAGS = ("route",)
_OFF: dict[str, Any] = {"mode": "off"}
# The SDK's data-collection switches (which supersede the deprecated ``send_default_pii``), all
# off: no user identity, cookies, headers, bodies, query strings, variables or source lines.
NO_DATA_COLLECTION: dict[str, Any] = {
    "user_info": False,
    "cookies": _OFF,
    "http_headers": {"request": _OFF},
    "http_bodies": [],
    "url_query_params": _OFF,
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "frame_context_lines": 0,
}
_KEPT_CONTEXTS = ("runtime", "os", "trace")


def _scrub_frames(stacktrace: dict[str, Any] | None) -> None:
    for frame in (stacktrace or {}).get("frames", []):
        for field in _DROPPED_FRAME_FIELDS:
            frame.pop(field, None)


def scrub_event(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Keep what locates a bug, drop everything that could be the user's data."""
    for field in _DROPPED_FIELDS:
        event.pop(field, None)
    for exception in (event.get("exception") or {}).get("values", []):
        exception["value"] = REDACTED  # messages quote input (pydantic, botocore…)
        _scrub_frames(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values", []):
        _scrub_frames(thread.get("stacktrace"))
    tags = event.get("tags") or {}
    event["tags"] = {key: value for key, value in tags.items() if key in _KEPT_TAGS}
    contexts = event.get("contexts") or {}
    event["contexts"] = {key: value for key, value in contexts.items() if key in _KEPT_CONTEXTS}
    crumbs = event.get("breadcrumbs") or {}
    values = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
    event["breadcrumbs"] = {"values": [scrub_breadcrumb(crumb) for crumb in values]}
    return event


def scrub_breadcrumb(crumb: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """A breadcrumb keeps its category, type, level and time; never a message or data."""
    return {key: crumb[key] for key in ("category", "type", "level", "timestamp") if key in crumb}


def init_error_reporting(dsn: str | None = None, transport: Any = None) -> bool:
    """Turn Sentry on when a DSN is configured; returns whether it is on."""
    global _enabled
    dsn = dsn or os.environ.get(ENV_SENTRY_DSN)
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(
        dsn=dsn,
        data_collection=NO_DATA_COLLECTION,  # type: ignore[arg-type]  # a TypedDict of these values
        max_request_body_size="never",
        include_local_variables=False,
        include_source_context=False,
        traces_sample_rate=0,
        integrations=[AwsLambdaIntegration(timeout_warning=False), LoggingIntegration(level=None, event_level=None)],
        before_send=scrub_event,  # type: ignore[arg-type]  # Event is a TypedDict of these dicts
        before_breadcrumb=scrub_breadcrumb,
        transport=transport,
    )
    _enabled = True
    return True


def report_unexpected(exc: BaseException, route: str | None) -> None:
    """Send an unexpected error (already answered with a 500) to Sentry, tagged with its route."""
    if not _enabled:
        return
    import sentry_sdk

    with sentry_sdk.new_scope() as scope:
        if route:
            scope.set_tag("route", route)
        sentry_sdk.capture_exception(exc)
