"""Google's OAuth step for the import (public routes, answered with HTML pages for a browser):
our consent page before Google (shared/imports/consent.py), and Google's redirect back, which
spends the code once, seals the token and starts the import.
"""

from __future__ import annotations

from typing import Annotated, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.shared.cookies import Cookie, SameSite
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from shared.core.api import build_resolver
from shared.core.clock import utcnow
from shared.core.observability import api_handler, count
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.imports import callback, callback_page, consent, consent_page
from shared.imports.oauth_flow import CONSENT_PATH, origin_of
from shared.imports.wiring import authorization_client, import_repository, token_client, vault, workflow_starter
from shared.resources import GOOGLE_OAUTH_FUNCTION

load_settings(GOOGLE_OAUTH_FUNCTION)

router = Router()
HTML = "text/html; charset=utf-8"
Param = Annotated[str | None, Query(max_length=4096)]


def _browser_cookie() -> str | None:
    event = cast(APIGatewayProxyEventV2, router.current_event)
    return consent.cookie_from(list(event.cookies or []))


def _consent_page_headers() -> dict[str, str]:
    return consent_page.headers(origin_of(str(settings().google_auth_uri)))


@router.get(
    CONSENT_PATH,
    summary="The import's consent page (the authorization_url): who receives the data, before Google",
    tags=["imports"],
    responses={
        200: {
            "description": "The receiving account (masked email) and the spreadsheet",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        400: {
            "description": "Expired, spent or unknown state",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
def consent_page_view(state: Param = None) -> Response[str]:
    shown = consent.show_consent(import_repository(), vault(), state, utcnow())
    count("ImportConsentShown" if isinstance(shown, consent.ConsentView) else "ImportConsentRefused")
    if isinstance(shown, consent.ConsentView):
        status, body = 200, consent_page.render(shown)
    else:
        status, body = 400, consent_page.render_refusal(shown)
    return Response(status_code=status, content_type=HTML, body=body, headers=_consent_page_headers())


@router.post(
    CONSENT_PATH,
    summary="Continue on the consent page: ties the import to this browser and redirects to Google",
    tags=["imports"],
    responses={
        303: {
            "description": "To Google's consent screen; sets the browser's consent cookie",
            "headers": {
                "Location": {"description": "Google's consent URL", "schema": {"type": "string"}},
                "Set-Cookie": {
                    "description": "__Host-import-consent (HttpOnly, 10 minutes)",
                    "schema": {"type": "string"},
                },
            },
        },
        400: {
            "description": "Expired, spent, unknown or another browser's state",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        403: {
            "description": "Not posted from the consent page itself (Origin)",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
    },
)
def consent_continue(state: Param = None) -> Response[str]:
    outcome = consent.confirm_consent(
        import_repository(),
        vault(),
        authorization_client(),
        state=state,
        origin=router.current_event.headers.get("origin"),
        own_origin=origin_of(settings().oauth_redirect_uri),
        cookie=_browser_cookie(),
        now=utcnow(),
    )
    headers = _consent_page_headers()
    if isinstance(outcome, consent.Continuation):
        count("ImportConsentConfirmed")
        cookie = Cookie(
            name=consent.COOKIE_NAME,
            value=outcome.cookie,
            path="/",
            secure=True,
            http_only=True,
            max_age=consent.COOKIE_MAX_AGE,
            same_site=SameSite.LAX_MODE,
        )
        return Response(
            status_code=303,
            content_type=HTML,
            body="",
            headers={**headers, "Location": outcome.google_url},
            cookies=[cookie],
        )
    status = 403 if outcome == "cross_site" else 400
    return Response(status_code=status, content_type=HTML, body=consent_page.render_refusal(outcome), headers=headers)


@router.get(
    "/v1/oauth/google/callback",
    summary="Google redirects the browser here after consent; answers with an HTML page",
    tags=["imports"],
    responses={
        200: {"description": "Import started, or cancelled", "content": {"text/html": {"schema": {"type": "string"}}}},
        400: {
            "description": "Expired, replayed or unknown state; another browser than the one that continued; "
            "code refused",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
        503: {
            "description": "Google or the workflow could not be reached",
            "content": {"text/html": {"schema": {"type": "string"}}},
        },
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
        browser=_browser_cookie(),
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
