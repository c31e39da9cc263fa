"""Priming: what a function's first request would pay, paid once before the SnapStart snapshot.

Each SnapStart function's module calls :func:`prime` with its spec (and its resolver); the work
runs as a before-snapshot hook, so every environment restored from the snapshot starts with it
done, and it never runs where there is no snapshot (a function without SnapStart, the local
stack, the tests). What is paid:

- botocore's models and client classes of the services the function's needs use
  (:func:`shared.core.aws.warm`: placeholder keys, no credentials, no request), and the IDNA
  codec the first connection encodes the endpoint's host with;
- every route's validation built (Powertools builds a route's pydantic TypeAdapters for its
  parameters, body and response on the route's first request) and the middleware inspected;
- the resolver's code paths, with anonymous requests refused before any route's code runs: an
  unknown route; each route with a body, given malformed JSON (request validation comes first);
  each route of a resolver that refuses undeclared query parameters, given one;
- phone-number metadata of the default region, when the function parses phone numbers, and the
  email validator, when it has one: with the libraries' own example values.

Nothing here calls AWS or touches personal data, and nothing random, time-derived or
credential-like is kept (shared/core/snapstart.py).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from shared.core.settings import settings
from shared.core.snapstart import before_snapshot
from shared.resources import FunctionSpec, Need

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import Route
    from aws_lambda_powertools.utilities.typing import LambdaContext

# The AWS services each need is used through (shared.resources.Need).
NEED_SERVICES: dict[Need, tuple[str, ...]] = {
    "table": ("dynamodb",),
    "uploads": ("s3",),
    "user_pool": ("cognito-idp",),
    "user_pool_revoke": ("cognito-idp",),
    "user_pool_erase": ("cognito-idp",),
    "user_pool_read": ("cognito-idp",),
    "import_key": ("kms",),
    "import_workflow": ("stepfunctions",),
    "import_undo_workflow": ("stepfunctions",),
    "google_client": (),
    "google_secret": ("secretsmanager",),
    "receipt_key": ("kms",),
    "erasure_workflow": ("stepfunctions",),
    "backups": ("dynamodb",),
}
# A value no route accepts as a query parameter (build_resolver refuses undeclared ones).
UNDECLARED_QUERY = "snapstart-priming"
PLACEHOLDER = "snapstart-priming"


def prime(spec: FunctionSpec, app: APIGatewayHttpResolver | None = None) -> None:
    """Register the priming of ``spec``'s function (and of its API ``app``) before the snapshot."""
    before_snapshot(warm_function, spec, app)


def warm_function(spec: FunctionSpec, app: APIGatewayHttpResolver | None = None) -> None:
    services = services_of(spec.needs)
    if services:  # a function without AWS needs (health) does not load boto3 for priming
        from shared.core import aws

        for service in services:
            aws.warm(service)
        # The first connection encodes the endpoint's host name (encodings.idna, stringprep).
        "dynamodb.us-east-1.amazonaws.com".encode("idna")
    if app is not None:
        warm_resolver(app)
    warm_parsers(settings().default_phone_region)


def services_of(needs: Iterable[Need]) -> list[str]:
    return sorted({service for need in needs for service in NEED_SERVICES[need]})


def routes_of(app: APIGatewayHttpResolver) -> list[Route]:
    """Powertools keeps a resolver's routes in two lists (tests/unit/test_priming.py checks that
    every route of the spec is found there)."""
    return [*app._static_routes, *app._dynamic_routes]


def warm_resolver(app: APIGatewayHttpResolver) -> None:
    for route in routes_of(app):
        _ = route.dependant, route.body_field
    for event in refused_requests(app):
        status = app.resolve(event, cast("LambdaContext", PrimingContext()))["statusCode"]
        if status not in (400, 404, 422):  # a route's own code ran: priming must never do that
            raise RuntimeError(f"priming got {status} from {event['routeKey']}")


def refused_requests(app: APIGatewayHttpResolver) -> Iterator[dict[str, Any]]:
    """Anonymous requests answered before any route's code runs. Request validation runs first
    (a malformed JSON body fails it), then build_resolver's check of the query string; a route
    that neither can refuse is not requested (its validation is built all the same)."""
    from shared.core.api import refuses_undeclared_query  # not loaded by workflow steps

    yield _event("GET", f"/v1/{PLACEHOLDER}", body=None)  # no such route: 404
    strict = refuses_undeclared_query(app)
    for route in routes_of(app):
        if route.body_field is None and not strict:
            continue
        path = route.openapi_path
        for param in route.dependant.path_params:
            path = path.replace("{" + param.alias + "}", PLACEHOLDER)
        route_key = f"{route.method} {route.openapi_path}"
        yield _event(route.method, path, route_key=route_key, body="{" if route.body_field else None)


def _event(method: str, path: str, *, body: str | None, route_key: str = "$default") -> dict[str, Any]:
    """An API Gateway payload 2.0 event without identity, headers of a client or a real body."""
    headers = {"content-type": "application/json"} if body is not None else {}
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": f"{UNDECLARED_QUERY}=1",
        "queryStringParameters": {UNDECLARED_QUERY: "1"},
        "headers": headers,
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": ""},
            "requestId": PLACEHOLDER,
            "routeKey": route_key,
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": False,
    }


class PrimingContext:
    """The Lambda context's fields Powertools reads, with placeholder values."""

    function_name = PLACEHOLDER
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:us-east-1:000000000000:function:{PLACEHOLDER}"
    memory_limit_in_mb = 128
    aws_request_id = PLACEHOLDER

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def warm_parsers(phone_region: str) -> None:
    """Phone metadata of ``phone_region`` and the email validator's code paths, if the function
    loaded those libraries (one that does not, e.g. health, is not made to)."""
    if "phonenumbers" in sys.modules:
        import phonenumbers

        from shared.core.phone import to_e164

        example = phonenumbers.example_number(phone_region)
        if example is not None:
            to_e164(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL), phone_region)
    if "email_validator" in sys.modules:
        from email_validator import validate_email

        validate_email("priming@example.com", check_deliverability=False)
    json.dumps({"warm": True})
