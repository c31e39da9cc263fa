"""API Gateway's payload format 2.0: the event it sends a function for an HTTP request, and how it
maps the function's result back onto an HTTP response.

Behaviour copied from API Gateway, not invented: claims flattened to strings, the path delivered
URL-decoded, repeated headers and query parameters comma-joined, cookies in their own field,
non-text bodies base64-encoded, and a result without ``statusCode`` taken as a 200 JSON body.

A text body that is not valid UTF-8 reaches the function with U+FFFD where the bad bytes were
(the event is JSON: it can only carry valid text). API Gateway does not document which of the two
shapes it uses for such a body, so the functions refuse invalid UTF-8 in both
(shared/core/request_checks.py): base64 bytes that do not decode, and U+FFFD in text.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl

from local.context import ACCOUNT_ID
from local.jwt_authorizer import claim_to_string
from shared.resources import RouteSpec

API_ID = "local"
STAGE = "$default"

_TEXT_TYPES = re.compile(r"^(text/.*|application/(json|.*\+json|javascript|xml|.*\+xml))$", re.IGNORECASE)


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
