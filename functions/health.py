"""Liveness probe for monitors and the local stack; reads no data."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.core.api import build_resolver
from shared.core.models import Output
from shared.core.observability import api_handler
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.resources import HEALTH_FUNCTION

load_settings(HEALTH_FUNCTION)
router = Router()


class Health(Output):
    status: str


@router.get("/v1/health", summary="Liveness probe", tags=["health"], responses=responses(ok=Health))
def health() -> Health:
    return Health(status="ok")


app = build_resolver(router)
handler = api_handler(app)
prime(HEALTH_FUNCTION, app)
