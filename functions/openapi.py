"""The OpenAPI document of the whole API, built from every API function's router together."""

from __future__ import annotations

import importlib
import json
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.models import Server

from shared.resources import ACCESS_TOKEN_SCOPE, API_FUNCTIONS, all_routes

TITLE = "Lead CRM API"
VERSION = "1.0.0"


@cache
def combined_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    for spec in API_FUNCTIONS:
        app.include_router(importlib.import_module(spec.module).router)
    return app


SECURITY_SCHEME = "cognito"


@cache
def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The document as a dict; which routes need a token comes from shared.resources, like the CDK's."""
    servers = [Server(url=server_url)] if server_url else None
    document: dict[str, Any] = json.loads(
        combined_resolver().get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description="Every promise of the privacy policy is enforced by code and proved by a test.",
            servers=servers,
        )
    )
    document.setdefault("components", {})["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The access_token from POST /v1/auth/login (or /v1/auth/refresh). An ID token is "
            'refused with 403 {"message": "Forbidden"}: routes require the access token\'s scope '
            f"({ACCESS_TOKEN_SCOPE}).",
        }
    }
    for _function, route in all_routes():
        operation = document["paths"].get(route.path, {}).get(route.method.lower())
        if operation is not None:
            operation["security"] = [] if route.public else [{SECURITY_SCHEME: []}]
    return document


def openapi_json(server_url: str | None = None) -> str:
    return json.dumps(openapi_document(server_url))
