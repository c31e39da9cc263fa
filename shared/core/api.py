"""The HTTP layer every API function shares: resolver setup, error mapping and caller identity.

Each Lambda owns one Powertools ``Router``; :func:`build_resolver` wraps it in an
``APIGatewayHttpResolver`` with pydantic validation and maps every error to
``{"error": {"code", "message"}}`` in this one place.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from shared import stores
from shared.core.errors import DomainError, Unauthenticated
from shared.privacy import get_logger, safe_exception
from shared.privacy.error_reporting import report_unexpected

logger = get_logger()

JSON = "application/json"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


def error_response(status: int, code: str, message: str, details: list[dict[str, str]] | None = None) -> Response[Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Response(
        status_code=status,
        content_type=JSON,
        body=json.dumps({"error": error}),
        headers=SECURITY_HEADERS,
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


def current_user_id(router: Router | APIGatewayHttpResolver) -> str:
    """The caller's Cognito ``sub``, as verified by API Gateway's JWT authorizer."""
    event = cast(APIGatewayProxyEventV2, router.current_event)
    claims = event.request_context.authorizer.jwt_claim or {}
    sub = claims.get("sub")
    if not sub:  # only reachable if a private route were deployed without the authorizer
        raise Unauthenticated()
    return str(sub)


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


def _bare_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON, **SECURITY_HEADERS},
        "body": json.dumps({"error": {"code": code, "message": message}}),
        "isBase64Encoded": False,
    }


def refusal_before_routing(event: dict[str, Any]) -> dict[str, Any] | None:
    """Answers given before the router runs: a revoked account's tokens, a body declared as
    something other than JSON (Powertools would fail on it with a 500), and a body that is not
    ONE JSON object of valid Unicode."""
    return refusal_for_revoked_token(event) or refusal_for_media_type(event) or refusal_for_body(event)


def refusal_for_body(event: dict[str, Any]) -> dict[str, Any] | None:
    """Every request body is ONE JSON object. Powertools would read a one-element list as that
    element; refusing lists here is what makes "no route accepts a contact list" true. Lone
    surrogates (valid JSON escapes, invalid text) are refused before they reach a data store."""
    raw = event.get("body")
    if not raw:
        return None
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(raw).decode()
        except (binascii.Error, UnicodeDecodeError):
            return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
    if not raw.strip():
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return _bare_error(400, "malformed_json", "The request body is not valid JSON.")
    if not isinstance(parsed, dict):
        return _bare_error(422, "body_must_be_object", "The request body must be one JSON object.")
    try:
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return _bare_error(400, "invalid_unicode", "The request body contains invalid Unicode.")
    return None


def refusal_for_media_type(event: dict[str, Any]) -> dict[str, Any] | None:
    headers = event.get("headers") or {}
    declared = str(headers.get("content-type", "")).split(";")[0].strip().lower()
    if event.get("body") and declared and declared != JSON:
        return _bare_error(415, "unsupported_media_type", "Send the body as application/json.")
    return None


def refusal_for_revoked_token(event: dict[str, Any]) -> dict[str, Any] | None:
    """A deleted account's tokens stay valid JWTs until they expire; API Gateway cannot know.
    Every authenticated request checks the revocation marker (one consistent GetItem) before
    anything else runs — validation included — so nothing can be read or written with them."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt", {}).get("claims") or {}
    sub = claims.get("sub")
    if not sub or not stores.deletions().is_revoked(str(sub), datetime.now(UTC)):
        return None
    return _bare_error(401, "account_deleted", "This account has been deleted.")


def build_resolver(router: Router, *, strict_query: bool = True) -> APIGatewayHttpResolver:
    """``strict_query=False`` only where a third party writes the query string (Google's OAuth
    redirect adds scope, authuser, prompt… to the parameters the route reads)."""
    # A response that breaks its own model is our bug: 500, never a 422 blamed on the client.
    app = APIGatewayHttpResolver(enable_validation=True, response_validation_error_http_code=500)
    app.include_router(router)
    if strict_query:
        app.use(middlewares=[refuse_unknown_query_parameters])

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response[Any]:
        details = _validation_details(exc)
        if _is_malformed_json(details):
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        return error_response(422, "validation_error", "The request is not valid.", details)

    @app.exception_handler(DomainError)
    def _domain_error(exc: DomainError) -> Response[Any]:
        logger.info("request refused", extra={"error_code": exc.code, "status_code": exc.status})
        return error_response(exc.status, exc.code, exc.message)

    @app.not_found
    def _not_found(_exc: Exception) -> Response[Any]:
        return error_response(404, "route_not_found", "No such route.")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response[Any]:
        logger.error("unhandled error", extra=safe_exception(exc))
        report_unexpected(exc, cast(APIGatewayProxyEventV2, app.current_event).route_key)
        return error_response(500, "internal_error", "Something went wrong on our side.")

    return app
