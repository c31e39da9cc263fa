"""Privacy Center function (public): the web page where a person sees, exports, controls and
deletes their data, and the receipt page of an account deletion. Static files only: everything
personal is fetched by the page's script from the API, on this same origin."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.core.api import build_resolver
from shared.core.errors import NotFound
from shared.core.observability import api_handler
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.privacy_center import page
from shared.resources import PRIVACY_CENTER_FUNCTION

load_settings(PRIVACY_CENTER_FUNCTION)
router = Router()
TAGS = ["privacy center"]


def _text(*types: str) -> dict[str, Any]:
    return {media: {"schema": {"type": "string"}} for media in types}


def _answer(name: str) -> Response[str]:
    found = page.find(name)
    if found is None:
        raise NotFound("No such page.", "page_not_found")
    return Response(status_code=200, content_type=found.content_type, body=found.body, headers=found.headers)


@router.get(
    "/privacy",
    summary="The Privacy Center: sign in to see, download, control and delete your data (an HTML page)",
    tags=TAGS,
    responses={200: {"description": "The page", "content": _text("text/html")}},
)
def privacy_center() -> Response[str]:
    return _answer("")


@router.get(
    "/privacy/<file>",
    summary="The deletion receipt page (receipt#<deletion_id>), and the Privacy Center's scripts and styles",
    tags=TAGS,
    responses={
        200: {
            "description": "The page, script or stylesheet",
            "content": _text("text/html", "text/javascript", "text/css"),
        },
        **responses(404),
    },
)
def privacy_center_file(file: Annotated[str, Path(min_length=1, max_length=100)]) -> Response[str]:
    return _answer(file)


# Links to the page carry whatever their sender adds (utm_…): the page takes no parameters.
app = build_resolver(router, strict_query=False)
handler = api_handler(app)
prime(PRIVACY_CENTER_FUNCTION, app)
