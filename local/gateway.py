"""API Gateway HTTP API (payload format 2.0, Cognito JWT authorizer) in front of the handlers.

Handlers see the same event, context and authorizer claims they get in production, and their
responses are mapped back the way API Gateway maps them, so code that works here works there.
Behaviour copied from API Gateway, not invented: route selection, the 401/404/413/429/500
bodies, claims flattened to strings, the path delivered URL-decoded, non-text bodies
base64-encoded, and route throttling (a token bucket per route key, limits from the spec).
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote

import jwt

from local._http import QuietHandler, StoppableServer
from local.context import ACCOUNT_ID, FunctionRegistry, Handler, LocalFunction, run
from shared.resources import FunctionSpec, RouteSpec, ThrottleSpec, all_routes

LOG = logging.getLogger("local_aws.gateway")

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # HTTP API payload limit
MAX_LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024  # synchronous Lambda response limit
THROTTLE_ENV = "LOCAL_THROTTLE"
# The spec's limits are per route for ALL callers of a deployment; one developer's test suite
# registers hundreds of users a minute through POST /v1/auth/register, and `make load` runs 20
# clients flat out. So by default the local buckets are the spec's x100: the mechanism is always
# in the request path (and answers 429 when exceeded) without throttling the suite or the load
# run. LOCAL_THROTTLE=spec gives production's exact limits, =off none, =<number> another factor.
DEFAULT_THROTTLE_SETTING = "100"
API_ID = "local"
STAGE = "$default"

HandlerResolver = Callable[[FunctionSpec, RouteSpec], Handler]
"""Which callable serves a route; the default imports ``FunctionSpec.module`` on first use."""

_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|.*\+json|javascript|xml|.*\+xml))$", re.IGNORECASE)

# --- routing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    function: FunctionSpec
    route: RouteSpec
    segments: tuple[str, ...]

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if method != self.route.method or len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, value in zip(self.segments, segments, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not value:
                    return None
                params[pattern[1:-1]] = unquote(value)
            elif pattern != unquote(value):
                return None
        return params

    @property
    def specificity(self) -> tuple[int, ...]:
        """Literal segments beat ``{param}`` segments, left to right, as in API Gateway."""
        return tuple(1 if s.startswith("{") else 0 for s in self.segments)


class RouteTable:
    """HTTP API route selection: ``{param}`` matches exactly one non-empty path segment."""

    def __init__(self, routes: Sequence[tuple[FunctionSpec, RouteSpec]]) -> None:
        self._routes = [_Route(f, r, tuple(r.path.split("/")[1:])) for f, r in routes]

    def match(self, method: str, raw_path: str) -> tuple[FunctionSpec, RouteSpec, dict[str, str]] | None:
        segments = raw_path.split("/")[1:]
        found = [(route, params) for route in self._routes if (params := route.match(method, segments)) is not None]
        if not found:
            return None
        route, params = min(found, key=lambda item: item[0].specificity)
        return route.function, route.route, params


# --- JWT authorizer ----------------------------------------------------------------------------


class Unauthorized(Exception):
    """The request fails the JWT authorizer; ``description`` goes into ``www-authenticate``."""

    def __init__(self, description: str | None) -> None:
        super().__init__(description)
        self.description = description

    @property
    def www_authenticate(self) -> str:
        if self.description is None:
            return "Bearer"
        return f'Bearer scope="" error="invalid_token" error_description="{self.description}"'


def claim_to_string(value: object) -> str:
    """API Gateway hands JWT claims to Lambda as strings: ``1700000000``, ``true``, ``[a b]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(claim_to_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    if value is None:
        return ""
    return str(value)


class JwtAuthorizer:
    """API Gateway's JWT authorizer: RS256 signature from the issuer's JWKS, ``iss``, ``exp``,
    ``nbf``, ``iat`` and audience (``aud`` of ID tokens or ``client_id`` of access tokens)."""

    def __init__(self, jwks_url: str, issuer: str, audiences: Sequence[str]) -> None:
        self.issuer = issuer
        self.audiences = frozenset(audiences)
        self._jwks = jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=300, timeout=5)

    def authorize(self, authorization: str | None) -> dict[str, Any]:
        """Verified claims, or ``Unauthorized`` with API Gateway's description of the failure."""
        if not authorization or not authorization.strip():
            raise Unauthorized(None)
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise Unauthorized("the token is not valid yet") from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("the token has an invalid issuer") from None
        except (jwt.PyJWTError, jwt.PyJWKClientError, ValueError):
            raise Unauthorized("the token is invalid") from None
        audience = claims.get("aud", claims.get("client_id"))
        audiences = set(audience) if isinstance(audience, list) else {audience}
        if not audiences & self.audiences:
            raise Unauthorized("the token does not have a valid audience") from None
        return claims


# --- throttling --------------------------------------------------------------------------------

RouteLimits = Callable[[RouteSpec], ThrottleSpec]


class _TokenBucket:
    def __init__(self, limits: ThrottleSpec, now: float) -> None:
        self.rate = limits.rate_per_second
        self.burst = float(limits.burst)
        self.tokens = self.burst
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Throttle:
    """API Gateway's route throttling: one token bucket per route key, shared by all callers.

    A bucket holds ``burst`` tokens and refills at ``rate_per_second``; a request takes one or is
    refused with 429. ``limits`` maps a route to its bucket (by default ``RouteSpec.throttle``).
    """

    def __init__(self, limits: RouteLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits: RouteLimits = limits or (lambda route: route.throttle)
        self._clock = clock
        self._buckets: dict[str, _TokenBucket] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_setting(cls, setting: str | None) -> Throttle | None:
        """``off``, ``spec`` (production's limits) or a factor applied to them; ``None`` → default."""
        value = (setting or DEFAULT_THROTTLE_SETTING).strip().lower()
        if value == "off":
            return None
        if value == "spec":
            return cls()
        try:
            factor = float(value)
        except ValueError:
            factor = 0.0
        if not factor > 0 or factor == float("inf"):
            raise ValueError(f"{THROTTLE_ENV} must be off, spec or a positive factor")
        return cls(lambda route: route.throttle.scaled(factor))

    def allow(self, route: RouteSpec) -> bool:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(route.route_key)
            if bucket is None:
                bucket = self._buckets[route.route_key] = _TokenBucket(self.limits(route), now)
            return bucket.take(now)


# --- event and response mapping ----------------------------------------------------------------


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def build_event(
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    source_ip: str,
    route: RouteSpec | None,
    path_parameters: dict[str, str],
    claims: dict[str, Any] | None,
    request_id: str,
    now: float | None = None,
) -> dict[str, Any]:
    """The payload format 2.0 event API Gateway sends to Lambda for this request."""
    now = time.time() if now is None else now
    merged: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in headers:
        key = name.lower()
        if key == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            merged[key] = f"{merged[key]},{value}" if key in merged else value
    merged["x-forwarded-for"] = (
        f"{merged['x-forwarded-for']}, {source_ip}" if "x-forwarded-for" in merged else source_ip
    )
    host_header = merged.get("host", "localhost")
    port = host_header.rsplit(":", 1)[1] if ":" in host_header else "80"
    merged.setdefault("x-forwarded-port", port)
    merged.setdefault("x-forwarded-proto", "http")
    merged.setdefault("x-amzn-trace-id", _trace_id())
    host = host_header.split(":", 1)[0]
    route_key = route.route_key if route else "$default"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
    }
    if cookies:
        event["cookies"] = cookies
    event["headers"] = merged
    if raw_query:
        query: dict[str, str] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        event["queryStringParameters"] = query
    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": API_ID,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": merged.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": STAGE,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if claims is not None:
        scope = claims.get("scope")
        request_context["authorizer"] = {
            "jwt": {
                "claims": {k: claim_to_string(v) for k, v in claims.items()},
                "scopes": scope.split() if isinstance(scope, str) else None,
            }
        }
    event["requestContext"] = request_context
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body:
        content_type = merged.get("content-type", "").split(";", 1)[0].strip()
        if _TEXT_TYPES.match(content_type):
            event["body"] = body.decode("utf-8", errors="replace")
            event["isBase64Encoded"] = False
        else:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
    else:
        event["isBase64Encoded"] = False
    return event


class BadLambdaResponse(Exception):
    """The function's result is not something API Gateway can turn into an HTTP response."""


def response_from_result(payload: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Map a payload 2.0 Lambda result onto an HTTP response as API Gateway does."""
    result = json.loads(payload)
    if not isinstance(result, dict) or "statusCode" not in result:
        # No statusCode: API Gateway assumes a 200 JSON response whose body is the result.
        return 200, [("content-type", "application/json")], payload
    status = result["statusCode"]
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise BadLambdaResponse
    headers: list[tuple[str, str]] = []
    raw_headers = result.get("headers") or {}
    if not isinstance(raw_headers, dict):
        raise BadLambdaResponse
    headers.extend((str(k), str(v)) for k, v in raw_headers.items())
    # multiValueHeaders is a payload 1.0 field; API Gateway ignores it in 2.0, and so do we.
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise BadLambdaResponse
    headers.extend(("set-cookie", str(c)) for c in cookies)
    body = result.get("body")
    if body is None:
        content = b""
    elif not isinstance(body, str):
        raise BadLambdaResponse
    elif result.get("isBase64Encoded"):
        try:
            content = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise BadLambdaResponse from None
    else:
        content = body.encode()
    return status, headers, content


def _message(status: int, message: str) -> tuple[int, list[tuple[str, str]], bytes]:
    return status, [("content-type", "application/json")], json.dumps({"message": message}).encode()


# --- docs --------------------------------------------------------------------------------------

DOCS_PATH = "/v1/docs"
OPENAPI_PATH = "/v1/openapi.json"
_SWAGGER_DIR = "aws_lambda_powertools/event_handler/openapi/swagger_ui"
# Assets are served by the gateway itself; the page loads nothing from the internet. Swagger UI
# sets inline style attributes and data: icons, so those two are allowed on top of 'self'.
_DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
_DOCS_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Lead CRM API (local)</title>
  <link rel="stylesheet" href="{DOCS_PATH}/swagger-ui.min.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{DOCS_PATH}/swagger-ui-bundle.min.js"></script>
  <script src="{DOCS_PATH}/swagger-initializer.js"></script>
</body>
</html>
"""
_DOCS_INIT_JS = f"""window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{
    url: "{OPENAPI_PATH}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  }});
}});
"""


def _swagger_asset(name: str) -> bytes:
    import aws_lambda_powertools

    root = Path(aws_lambda_powertools.__file__).parent.parent
    return (root / _SWAGGER_DIR / name).read_bytes()


def _openapi_json() -> str:
    module = importlib.import_module("functions.openapi")
    document: str = module.openapi_json()
    return document


class _Docs:
    """``/v1/docs`` (Swagger UI from Powertools' bundled assets) and ``/v1/openapi.json``."""

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _asset(self, name: str) -> bytes:
        with self._lock:
            if name not in self._cache:
                self._cache[name] = _swagger_asset(name)
            return self._cache[name]

    def serve(self, path: str) -> tuple[str, tuple[int, list[tuple[str, str]], bytes]] | None:
        """(route key for the log, response) for a docs path, else ``None``."""
        csp = ("content-security-policy", _DOCS_CSP)
        if path == OPENAPI_PATH:
            body = _openapi_json().encode()
            return f"GET {OPENAPI_PATH}", (200, [("content-type", "application/json")], body)
        if path == DOCS_PATH:
            headers = [("content-type", "text/html; charset=utf-8"), csp]
            return f"GET {DOCS_PATH}", (200, headers, _DOCS_HTML.encode())
        assets = {
            "swagger-ui-bundle.min.js": "text/javascript",
            "swagger-ui.min.css": "text/css",
            "swagger-initializer.js": "text/javascript",
        }
        name = path.removeprefix(DOCS_PATH + "/")
        if path.startswith(DOCS_PATH + "/") and name in assets:
            body = _DOCS_INIT_JS.encode() if name == "swagger-initializer.js" else self._asset(name)
            headers = [("content-type", assets[name]), ("cache-control", "max-age=3600"), csp]
            return f"GET {DOCS_PATH}/{{asset}}", (200, headers, body)
        return None


# --- server ------------------------------------------------------------------------------------


def _request_id() -> str:
    return base64.b64encode(secrets.token_bytes(10)).decode()


class Gateway:
    """HTTP server with API Gateway's HTTP API semantics for the routes in ``shared.resources``."""

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        client_ids: Sequence[str],
        region: str = "us-east-1",
        host: str = "127.0.0.1",
        port: int = 0,
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
        self.docs = _Docs()
        handler = type("_BoundGatewayHandler", (_GatewayHandler,), {"gateway": self})
        self._server = StoppableServer(host, port, handler)

    def _from_registry(self, function: FunctionSpec, route: RouteSpec) -> Handler:
        found = self.registry.get(function.name)
        if found is None:
            raise LookupError(function.name)
        return found.handler

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start("api-gateway")

    def stop(self) -> None:
        self._server.stop()

    def handle(
        self,
        method: str,
        target: str,
        headers: Sequence[tuple[str, str]],
        body: bytes | None,
        source_ip: str,
    ) -> tuple[str, tuple[int, list[tuple[str, str]], bytes]]:
        """One request → (route key for the log, (status, headers, body))."""
        if body is None:
            return f"{method} -", _message(413, "Request Entity Too Large")
        path, _, raw_query = target.partition("?")
        raw_query = raw_query.split("#", 1)[0]
        matched = self.routes.match(method, path)
        if matched is None:
            try:
                docs = self.docs.serve(path) if method == "GET" else None
            except Exception as error:  # e.g. functions.openapi not importable yet
                LOG.error("docs failed: %s", type(error).__name__)
                return f"{method} -", _message(500, "Internal Server Error")
            return docs or (f"{method} -", _message(404, "Not Found"))
        function, route, params = matched
        # Throttled before the authorizer: a flood without valid tokens still spends the bucket.
        if self.throttle is not None and not self.throttle.allow(route):
            return route.route_key, _message(429, "Too Many Requests")
        claims = None
        if not route.public:
            try:
                claims = self.authorizer.authorize(_header(headers, "authorization"))
            except Unauthorized as denied:
                status, response_headers, content = _message(401, "Unauthorized")
                response_headers.append(("www-authenticate", denied.www_authenticate))
                return route.route_key, (status, response_headers, content)
        request_id = _request_id()
        event = build_event(
            method=method,
            raw_path=unquote(path),
            raw_query=raw_query,
            headers=headers,
            body=body,
            source_ip=source_ip,
            route=route,
            path_parameters=params,
            claims=claims,
            request_id=request_id,
        )
        try:
            local = LocalFunction(function.name, self.resolver(function, route), function.memory_mb, function.timeout_s)
            payload = run(local, event, self.region)
            if len(payload) > MAX_LAMBDA_RESPONSE_BYTES:
                raise BadLambdaResponse
            status, response_headers, content = response_from_result(payload)
        except Exception as error:  # any failure of the function is API Gateway's 500
            LOG.error("%s failed: %s", route.route_key, type(error).__name__)
            status, response_headers, content = _message(500, "Internal Server Error")
        response_headers.append(("apigw-requestid", request_id))
        return route.route_key, (status, response_headers, content)


def _header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


class _GatewayHandler(QuietHandler):
    gateway: ClassVar[Gateway]

    def _dispatch(self) -> None:
        started = time.perf_counter()
        body = self.read_body(MAX_REQUEST_BYTES)
        route_key, (status, headers, content) = self.gateway.handle(
            self.command, self.path, list(self.headers.items()), body, self.client_address[0]
        )
        if not any(name.lower() == "date" for name, _ in headers):
            headers.append(("date", formatdate(usegmt=True)))
        # Route key, never the raw path: paths carry ids. Unmatched requests log "<method> -".
        # Logged before the answer is sent, so whoever got the answer can already see the line.
        LOG.info("%s %d %.1fms", route_key, status, (time.perf_counter() - started) * 1000)
        self.send(status, headers, content)

    def send_response(self, code: int, message: str | None = None) -> None:
        # No Server/Date from the stdlib: headers come from the mapped response only.
        self.send_response_only(code, message)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, …) gets API Gateway's answer for a route it does not
        # have — 404 Not Found — rather than the stdlib's 501.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)


__all__ = [
    "DOCS_PATH",
    "OPENAPI_PATH",
    "Gateway",
    "HandlerResolver",
    "JwtAuthorizer",
    "RouteTable",
    "Throttle",
    "Unauthorized",
    "build_event",
    "claim_to_string",
    "response_from_result",
]
