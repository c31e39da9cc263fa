"""API Gateway's HTTP API for one request, without the HTTP server: route → JWT authorizer →
per-client throttle → payload 2.0 event → function → response.

API Gateway's own answers keep its bodies: 404 for no route, 413 for a body over 10 MB, 429 for
an empty bucket (with Retry-After, as production's WAF rule and CloudFront function add it), 401
from the authorizer (403 for a valid token without the route's scope: an ID token), 500 when the
function fails or returns what API Gateway cannot map. The docs (local/docs.py) answer paths no
route claims, as a stage route would.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from local import docs
from local.context import FunctionRegistry, Handler, LocalFunction, run
from local.jwt_authorizer import InsufficientScope, JwtAuthorizer, Unauthorized
from local.payload_v2 import BadLambdaResponse, build_event, response_from_result
from local.routes import RouteTable
from local.throttle import Throttle, ip_client, user_client
from shared.resources import FunctionSpec, RouteSpec, all_routes

LOG = logging.getLogger("local_aws.gateway")

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # HTTP API payload limit
MAX_LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024  # synchronous Lambda response limit
DOCS_TIMEOUT_S = 30  # the first call builds the OpenAPI document from every API function

HandlerResolver = Callable[[FunctionSpec, RouteSpec], Handler]
"""Which callable serves a route; the default imports ``FunctionSpec.module`` on first use."""

HttpResponse = tuple[int, list[tuple[str, str]], bytes]
"""(status, headers, body)"""


def _message(status: int, message: str) -> HttpResponse:
    return status, [("content-type", "application/json")], json.dumps({"message": message}).encode()


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _request_id() -> str:
    return base64.b64encode(secrets.token_bytes(10)).decode()


class HttpApi:
    """The routes in ``shared.resources`` with API Gateway's HTTP API semantics."""

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        client_ids: Sequence[str],
        region: str = "us-east-1",
        registry: FunctionRegistry | None = None,
        resolver: HandlerResolver | None = None,
        routes: Sequence[tuple[FunctionSpec, RouteSpec]] | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.region = region
        self.throttle = throttle
        self.registry = registry if registry is not None else FunctionRegistry()
        self.resolver: HandlerResolver = resolver or self._from_registry
        self.routes = RouteTable(all_routes() if routes is None else routes)
        self.authorizer = JwtAuthorizer(jwks_url, issuer, client_ids)
        self._docs: LocalFunction | None = None
        self._docs_lock = threading.Lock()

    def _from_registry(self, function: FunctionSpec, route: RouteSpec) -> Handler:
        found = self.registry.get(function.name)
        if found is None:
            raise LookupError(function.name)
        return found.handler

    def _docs_function(self) -> LocalFunction:
        with self._docs_lock:
            if self._docs is None:
                self._docs = LocalFunction("local-docs", docs.docs_app().resolve, timeout_s=DOCS_TIMEOUT_S)
            return self._docs

    def handle(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        source_ip: str,
    ) -> tuple[str, HttpResponse]:
        """One request (``body`` is ``None`` when over the limit) → (route key for the log, response)."""
        if body is None:
            return f"{method} -", _message(413, "Request Entity Too Large")
        raw_path, _, raw_query = target.partition("?")
        raw_query = raw_query.split("#", 1)[0]
        # Decoded once, then routed as it is: %2F is a separator like any slash, %2541 stays %41,
        # and empty segments (//v1/leads, /v1//leads) match no route.
        path = unquote(raw_path)
        request = (method, path, raw_query, headers, body, source_ip)
        matched = self.routes.match(method, path)
        if matched is None:
            if method == "GET" and path in docs.PATHS:
                event = _event(*request)
                return f"GET {path}", self._invoke(f"GET {path}", self._docs_function, event)
            return f"{method} -", _message(404, "Not Found")
        function, route, params = matched
        claims = None
        denied: Unauthorized | InsufficientScope | None = None
        if not route.public:
            try:
                claims = self.authorizer.authorize(_header(headers, "authorization"), route.authorization_scopes)
            except (Unauthorized, InsufficientScope) as refused:
                denied = refused
        # Per client, before the answer: a flood without valid tokens spends its own IP's bucket
        # (then 429 rather than 401), never the bucket of a signed-in user.
        if self.throttle is not None:
            client = user_client(str(claims.get("sub", ""))) if claims else ip_client(source_ip)
            wait_s = self.throttle.retry_after(route, client)
            if wait_s is not None:
                status, response_headers, content = _message(429, "Too Many Requests")
                response_headers.append(("retry-after", str(wait_s)))
                return route.route_key, (status, response_headers, content)
        if denied is not None:
            status, message = (401, "Unauthorized") if isinstance(denied, Unauthorized) else (403, "Forbidden")
            status, response_headers, content = _message(status, message)
            response_headers.append(("www-authenticate", denied.www_authenticate))
            return route.route_key, (status, response_headers, content)

        def resolved() -> LocalFunction:
            handler = self.resolver(function, route)
            return LocalFunction(function.name, handler, function.memory_mb, function.timeout_s)

        event = _event(*request, route=route, params=params, claims=claims)
        return route.route_key, self._invoke(route.route_key, resolved, event)

    def _invoke(self, name: str, function: Callable[[], LocalFunction], event: dict[str, Any]) -> HttpResponse:
        """Call the function as Lambda would; any failure of it is API Gateway's 500."""
        try:
            payload = run(function(), event, self.region)
            if len(payload) > MAX_LAMBDA_RESPONSE_BYTES:
                raise BadLambdaResponse
            status, response_headers, content = response_from_result(payload)
        except Exception as error:
            LOG.error("%s failed: %s", name, type(error).__name__)
            status, response_headers, content = _message(500, "Internal Server Error")
        response_headers.append(("apigw-requestid", event["requestContext"]["requestId"]))
        return status, response_headers, content


def _event(
    method: str,
    path: str,
    raw_query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    source_ip: str,
    *,
    route: RouteSpec | None = None,
    params: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return build_event(
        method=method,
        raw_path=path,  # already decoded: HTTP APIs deliver the path decoded
        raw_query=raw_query,
        headers=headers,
        body=body,
        source_ip=source_ip,
        route=route,
        path_parameters=params or {},
        claims=claims,
        request_id=_request_id(),
    )
