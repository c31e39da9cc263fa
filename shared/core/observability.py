"""Logger, metrics and the Lambda entry point shared by every function.

Metrics carry no personal dimensions: only the service (function) name, which Powertools adds.
Events are never logged (no ``log_event``) and responses never traced.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.privacy import get_logger
from shared.privacy.error_reporting import init_error_reporting

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

logger = get_logger()
metrics = Metrics()
init_error_reporting()  # only when SENTRY_DSN is configured

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def count(metric: str, value: int = 1) -> None:
    """Count a feature's use; names only, never values from the request."""
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=value)


def api_handler(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The Lambda entry point of an API function: context in logs, metrics flushed, no payloads.

    Imported here, not at the top: jobs and workflow steps use this module without the API's
    router, and must not pay for loading it."""
    from shared.core.api import SECURITY_HEADERS
    from shared.core.request_checks import refusal_before_routing

    @logger.inject_lambda_context(clear_state=True, log_event=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        logger.append_keys(route_key=event.get("routeKey"))
        response = refusal_before_routing(event) or app.resolve(event, context)
        # Every answer may carry personal data (or say whether some exists): no cache keeps it.
        headers = response.setdefault("headers", {})
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        return response

    return handler


# An API call that adds no metric is normal; Powertools would warn on every such invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def job_handler(work: Callable[[dict[str, Any]], dict[str, Any]]) -> LambdaHandler:
    """The Lambda entry point of a job or workflow task: context in logs, metrics flushed, no
    event in logs (a task's input carries ids only, but the rule is the same everywhere)."""

    @logger.inject_lambda_context(clear_state=True, log_event=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return work(event)

    return handler
