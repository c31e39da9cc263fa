"""Sync function: what changed in the caller's account since a checkpoint (delta sync for the app)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from shared.core.api import build_resolver
from shared.core.identity import current_user_id
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.core.user_limits import SYNC_LIMIT, enforce, limit_counter
from shared.resources import SYNC_FUNCTION
from shared.sync import logic as sync
from shared.sync.models import CHECKPOINT_MAX_LENGTH, SYNC_PAGE_DEFAULT, SYNC_PAGE_MAX, SyncPage
from shared.sync.wiring import change_repository

load_settings(SYNC_FUNCTION)
router = Router()


@router.get(
    "/v1/sync",
    summary="Everything of yours that changed since a checkpoint: created, updated and deleted, by kind",
    description="Without since: the whole account, page by page. Follow checkpoint while has_more; keep the "
    "last one for the next sync. A checkpoint older than 30 days gets 410: sync again without since.",
    tags=["sync"],
    responses=responses(400, 401, 410, 422, 429, ok=SyncPage),
)
def pull_changes(
    since: Annotated[str | None, Query(min_length=1, max_length=CHECKPOINT_MAX_LENGTH)] = None,
    limit: Annotated[int, Query(ge=1, le=SYNC_PAGE_MAX)] = SYNC_PAGE_DEFAULT,
) -> SyncPage:
    user_id = current_user_id(router)
    enforce(limit_counter(), user_id, SYNC_LIMIT)
    page = sync.pull(change_repository(), user_id, since, limit)
    count("SyncPage")
    return page


app = build_resolver(router)
handler = api_handler(app)
prime(SYNC_FUNCTION, app)
