"""Export function: everything held about the caller, page by page, and its inventory by kind."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.accounts.directory_wiring import account_directory
from shared.core import aws
from shared.core.api import build_resolver
from shared.core.identity import current_user_id
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.core.user_limits import EXPORT_LIMIT, enforce, limit_counter
from shared.export import logic as export
from shared.export.inventory import take_inventory
from shared.export.models import ExportPage, Inventory
from shared.files.wiring import uploads
from shared.resources import EXPORT_FUNCTION

load_settings(EXPORT_FUNCTION)
router = Router()


@router.get(
    "/v1/me/export",
    summary="Export your data: follow next_cursor until null and concatenate the pages",
    tags=["accounts"],
    responses=responses(400, 401, 422, 429, ok=ExportPage),
)
def export_data(cursor: Annotated[str | None, Query(min_length=1, max_length=400)] = None) -> ExportPage:
    user_id = current_user_id(router)
    enforce(limit_counter(), user_id, EXPORT_LIMIT)
    page = export.export_page(aws.dynamodb(), settings().table_name, account_directory(), uploads(), user_id, cursor)
    count("ExportPage")
    return page


@router.get(
    "/v1/me/inventory",
    summary="What is held about you, by kind, with counts (never values), and how long it is kept",
    description="Contact information and the policy versions you accepted: GET /v1/me.",
    tags=["accounts"],
    responses=responses(401, ok=Inventory),
)
def inventory() -> Inventory:
    return take_inventory(aws.dynamodb(), settings().table_name, current_user_id(router))


app = build_resolver(router)
handler = api_handler(app)
prime(EXPORT_FUNCTION, app)
