"""``/v1/docs`` and ``/v1/openapi.json``: Powertools' own Swagger UI over functions/openapi.py's document.

``enable_swagger`` without ``swagger_base_url`` inlines the swagger-ui script and stylesheet that
ship inside the Powertools package, so the page is one self-contained document that loads nothing
from the internet. Its Content-Security-Policy makes that a rule the browser enforces rather than
a property of today's bundle: only the page's own inline blocks run (allowed by hash, as on the
OAuth callback page), and connections and images stay on this origin (plus ``data:`` icons).

The page shows exactly the document ``/v1/openapi.json`` serves: the resolver hands Powertools
functions/openapi.py's document (the Cognito security scheme, the public routes marked) instead
of one built from its own route table.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

DOCS_PATH = "/v1/docs"
OPENAPI_PATH = "/v1/openapi.json"
PATHS = (DOCS_PATH, OPENAPI_PATH)

# What a browser hashes: the text between the tags (script and style are raw text elements).
_INLINE_BLOCK = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)


def _api_module() -> Any:
    # Imported when the docs are first asked for: the document imports every API function.
    return importlib.import_module("functions.openapi")


class _ApiDocumentResolver(APIGatewayHttpResolver):
    """A resolver whose OpenAPI schema is the whole API's document, not its own routes'."""

    def get_openapi_schema(self, **_: Any) -> OpenAPI:
        return OpenAPI.model_validate(_api_module().openapi_document())


def content_security_policy(html: str) -> str:
    """The page's own inline scripts and styles by SHA-256, nothing from elsewhere."""
    allowed: dict[str, list[str]] = {"script": [], "style": []}
    for tag, text in _INLINE_BLOCK.findall(html):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        allowed[tag.lower()].append(f"'sha256-{digest}'")
    scripts = " ".join(allowed["script"]) or "'none'"
    styles = " ".join(allowed["style"]) or "'none'"
    return f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; base-uri 'none'"


def _with_content_security_policy(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
    response = next_middleware(app)
    body = response.body if isinstance(response.body, str) else ""
    response.headers["Content-Security-Policy"] = content_security_policy(body)
    return response


def docs_app() -> APIGatewayHttpResolver:
    """The resolver behind both paths; call ``resolve(event, context)`` with a payload 2.0 event."""
    app = _ApiDocumentResolver()
    app.enable_swagger(path=DOCS_PATH, middlewares=[_with_content_security_policy])

    @app.get(OPENAPI_PATH, include_in_schema=False)
    def openapi_json() -> Response[str]:
        return Response(status_code=200, content_type="application/json", body=_api_module().openapi_json())

    return app
