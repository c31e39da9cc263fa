"""The HTTP layer every API function shares: resolver setup and error mapping.

Each Lambda owns one Powertools ``Router``; :func:`build_resolver` wraps it in an
``APIGatewayHttpResolver`` with pydantic validation and maps every error to
``{"error": {"code", "message"}}`` in this one place.
"""

from __future__ import annotations

import json
import weakref
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from shared.core.errors import DomainError
from shared.core.versions import etag
from shared.privacy import get_logger, safe_exception
from shared.privacy.error_reporting import report_unexpected

logger = get_logger()

JSON = "application/json"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


REPLAYED_HEADER = "Idempotent-Replayed"

# Request headers of the conventions every client relies on (README: "Conventions").
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description='The ETag you read (e.g. "3"): the write applies only to that version, else 412. '
        "* or no header: whatever version is current.",
    ),
]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=300,
        description="A unique value per create (e.g. a UUID): a retry with the same key and body within 24 hours "
        "answers the first response again (Idempotent-Replayed: true) and creates nothing; the same key with "
        "another body gets 422 idempotency_key_reused; while the first request runs, 409 request_in_progress.",
    ),
]


def with_etag(body: Any, status: int = 200) -> Response[Any]:
    """A versioned object as the response body, its version in the ETag header."""
    return Response(status_code=status, content_type=JSON, body=body, headers={"ETag": etag(body.version)})


def created(body: Any, *, replayed: bool = False, versioned: bool = True) -> Response[Any]:
    """201 with what a create made, or replayed (an Idempotency-Key seen before: see
    shared/core/idempotency.py); ``versioned``: the object's version as its ETag."""
    headers = {"ETag": etag(body.version)} if versioned else {}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    return Response(status_code=201, content_type=JSON, body=body, headers=headers)


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps({"error": error}),
        headers={**SECURITY_HEADERS, **(headers or {})},
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, str]]:
    """Where and what kind of problem: no ``input``/``ctx`` (they echo submitted values)."""
    details = []
    for err in exc.errors()[:20]:
        location = ".".join(str(part) for part in err.get("loc", ()))
        details.append({"field": location, "type": str(err.get("type", "invalid"))})
    return details


def _is_malformed_json(details: list[dict[str, str]]) -> bool:
    return any(detail["type"] == "json_invalid" for detail in details)


def refuse_unknown_query_parameters(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """A query parameter the route does not declare is a client mistake (``?limt=10``), not
    something to ignore silently."""
    route = app.context.get("_route")
    declared = {param.alias for param in route.dependant.query_params} if route and route.dependant else set()
    given = set((cast(APIGatewayProxyEventV2, app.current_event).query_string_parameters or {}).keys())
    if given - declared:
        return error_response(
            422, "unknown_query_parameter", "The request has a query parameter this route does not take."
        )
    return next_middleware(app)


_STRICT_QUERY: weakref.WeakSet[APIGatewayHttpResolver] = weakref.WeakSet()


def refuses_undeclared_query(app: APIGatewayHttpResolver) -> bool:
    """Whether every route of ``app`` answers 422 to a query parameter it does not declare."""
    return app in _STRICT_QUERY


def build_resolver(router: Router, *, strict_query: bool = True) -> APIGatewayHttpResolver:
    """``strict_query=False`` only where a third party writes the query string (Google's OAuth
    redirect adds scope, authuser, prompt… to the parameters the route reads)."""
    # A response that breaks its own model is our bug: 500, never a 422 blamed on the client.
    app = APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500)
    app.include_router(router)
    if strict_query:
        app.use(middlewares=[refuse_unknown_query_parameters])
        _STRICT_QUERY.add(app)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response[Any]:
        details = _validation_details(exc)
        if _is_malformed_json(details):
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        return error_response(422, "validation_error", "The request is not valid.", details)

    @app.exception_handler(DomainError)
    def _domain_error(exc: DomainError) -> Response[Any]:
        logger.info("request refused", extra={"error_code": exc.code, "status_code": exc.status})
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.not_found
    def _not_found(_exc: Exception) -> Response[Any]:
        return error_response(404, "route_not_found", "No such route.")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[Any]:
        logger.error("unhandled error", extra=safe_exception(exc))
        report_unexpected(exc, cast(APIGatewayProxyEventV2, app.current_event).route_key)
        return error_response(500, "internal_error", "Something went wrong on our side.")

    return app
