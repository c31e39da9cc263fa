"""``/v1/docs`` (Swagger UI from Powertools' bundled assets) and ``/v1/openapi.json``."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

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


class Docs:
    """Serves the docs paths; the assets are read once."""

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
