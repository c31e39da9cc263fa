"""Google's OAuth redirect (public): spend the code once, seal the token, start the import.

Answers with a small HTML page for the browser, not JSON: it is a browser that lands here.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.core.api import build_resolver
from shared.core.clock import utcnow
from shared.core.observability import api_handler, count
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.imports import callback, callback_page
from shared.imports.wiring import import_repository, token_client, vault, workflow_starter
from shared.resources import GOOGLE_OAUTH_FUNCTION

load_settings(GOOGLE_OAUTH_FUNCTION)

router = Router()
HTML = "text/html; charset=utf-8"
Param = Annotated[str | None, Query(max_length=4096)]


@router.get(
    "/v1/oauth/google/callback",
    summary="Google redirects the browser here after consent; answers with an HTML page",
    tags=["imports"],
    responses={
        200: {"description": "Import started, or cancelled", "content": {"text/html": {"schema": {"type": "string"}}}},
        400: {"description": "Expired, replayed or unknown state; code refused", "content": {"text/html": {}}},
        503: {"description": "Google or the workflow could not be reached", "content": {"text/html": {}}},
    },
)
def google_callback(state: Param = None, code: Param = None, error: Param = None) -> Response[str]:
    outcome = callback.complete_authorization(
        import_repository(),
        vault(),
        token_client(),
        workflow_starter(),
        state=state,
        code=code,
        error=error,
        now=utcnow(),
    )
    count(f"OAuthCallback_{outcome.kind}")
    return Response(
        status_code=outcome.status_code,
        content_type=HTML,
        body=callback_page.render(outcome, settings().app_link_scheme),
        headers=callback_page.HEADERS,
    )


app = build_resolver(router, strict_query=False)  # Google decides what its redirect carries
handler = api_handler(app)
prime(GOOGLE_OAUTH_FUNCTION, app)
