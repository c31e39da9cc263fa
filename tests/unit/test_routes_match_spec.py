"""The route table in shared.resources (which builds the CDK HTTP API and the local gateway) and
the Powertools routers of the functions describe exactly the same routes."""

import importlib

import pytest

from functions.openapi import openapi_document
from shared.resources import API_FUNCTIONS, all_routes


@pytest.mark.parametrize("spec", API_FUNCTIONS, ids=lambda s: s.name)
def test_each_function_router_has_exactly_its_spec_routes(spec) -> None:  # type: ignore[no-untyped-def]
    router = importlib.import_module(spec.module).router
    served = set()
    for key in router._routes:
        rule, methods = key[0], key[1]
        for method in (methods,) if isinstance(methods, str) else methods:
            served.add((method.upper(), rule))
    declared = {(route.method, route.powertools_path) for route in spec.routes}
    assert served == declared


# POSTs the client sends nothing with, on purpose.
NO_BODY = {
    "POST /v1/me/mfa/totp",  # a fresh TOTP secret for the caller: nothing to choose
    "POST /v1/oauth/google/consent",  # the consent page's Continue button: the state is in the query
}
# Routes a browser follows whose success is a redirect, not a body.
REDIRECTS = {"POST /v1/oauth/google/consent": "303"}


def test_every_route_documents_request_and_response_models() -> None:
    document = openapi_document()
    for _function, route in all_routes():
        operation = document["paths"][route.path][route.method.lower()]
        success = [code for code in operation["responses"] if code.startswith("2")]
        if route.route_key in REDIRECTS:
            assert success == [], f"{route.route_key} answers a redirect, not a body"
            assert REDIRECTS[route.route_key] in operation["responses"]
            assert "Location" in operation["responses"][REDIRECTS[route.route_key]].get("headers", {})
        else:
            assert success, f"{route.route_key} documents no success response"
        for code in success:
            if code != "204":
                assert "content" in operation["responses"][code], f"{route.route_key} {code} has no model"
        is_action = route.method == "POST" and route.path.split("/")[-2].startswith("{")  # POST /x/{id}/verb
        if route.method in ("POST", "PUT", "PATCH") and not is_action and route.route_key not in NO_BODY:
            assert "requestBody" in operation, f"{route.route_key} has no request model"
        assert operation["security"] == ([] if route.public else [{"cognito": []}])


def test_no_content_responses_document_no_body() -> None:
    """Found by the stateful fuzz run: Powertools documented each 204 with the handler's return
    type (an application/json null) while the response rightly has no body and no Content-Type."""
    document = openapi_document()
    deletes = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "204" in operation["responses"]:
                deletes += 1
                assert not operation["responses"]["204"].get("content"), f"{method.upper()} {path}"
    assert deletes == 4
