"""Imports function: start a Google Sheets import (returns our consent page's URL), list, status, undo."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.accounts.directory_wiring import account_directory
from shared.core.api import JSON, IdempotencyKey, build_resolver, created
from shared.core.clock import utcnow
from shared.core.cursors import CURSOR_MAX_LENGTH
from shared.core.idempotency import create_once, idempotency_store
from shared.core.identity import current_user_id
from shared.core.links import import_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.core.user_limits import IMPORT_START_LIMIT, enforce, limit_counter
from shared.imports import logic as imports
from shared.imports import undo
from shared.imports.models import (
    IMPORT_PAGE_DEFAULT,
    IMPORT_PAGE_MAX,
    GoogleSheetsImportRequest,
    ImportOut,
    ImportPage,
    ImportStarted,
)
from shared.imports.wiring import authorization_client, import_repository, undo_starter, vault
from shared.preferences.region import phone_region
from shared.preferences.wiring import preferences_repository
from shared.resources import IMPORTS_FUNCTION

load_settings(IMPORTS_FUNCTION)

router = Router()
TAGS = ["imports"]
ImportId = Annotated[str, Path(min_length=1, max_length=64, description="The import's id")]


@router.post(
    "/v1/imports/google-sheets",
    summary="Start importing leads from a Google Sheet: open the returned authorization_url",
    tags=TAGS,
    responses=responses(400, 401, 409, 422, 429, created=ImportStarted, links=import_links()),
)
def start_google_sheets_import(
    body: GoogleSheetsImportRequest, idempotency_key: IdempotencyKey = None
) -> Response[ImportStarted]:
    user_id, jobs, now = current_user_id(router), import_repository(), utcnow()
    enforce(limit_counter(), user_id, IMPORT_START_LIMIT, now)

    def start() -> ImportStarted:
        region = phone_region(preferences_repository(), user_id, settings().default_phone_region)
        return imports.start_import(
            jobs,
            vault(),
            authorization_client(),
            user_id,
            body,
            now,
            account=account_directory().masked_email(user_id),
            redirect_uri=settings().oauth_redirect_uri,
            phone_region=region,
        )

    made = create_once(
        idempotency_store(),
        router.lambda_context,
        user_id=user_id,
        key_header=idempotency_key,
        operation="POST /v1/imports/google-sheets",
        payload=body.model_dump(mode="json", exclude_unset=True),
        create=start,
        identify=lambda started: started.import_id,
        replay=lambda import_id: imports.authorize_again(
            jobs,
            vault(),
            authorization_client(),
            user_id,
            import_id,
            body,
            now,
            account=account_directory().masked_email(user_id),
            redirect_uri=settings().oauth_redirect_uri,
        ),
    )
    if not made.replayed:
        count("ImportRequested")
    return created(made.value, replayed=made.replayed, versioned=False)


@router.get(
    "/v1/imports",
    summary="The caller's imports, newest first",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=ImportPage, links=import_links("/items/0/import_id")),
)
def list_imports(
    limit: Annotated[int, Query(ge=1, le=IMPORT_PAGE_MAX)] = IMPORT_PAGE_DEFAULT,
    cursor: Annotated[str | None, Query(min_length=1, max_length=CURSOR_MAX_LENGTH)] = None,
) -> ImportPage:
    return imports.list_imports(import_repository(), current_user_id(router), limit, cursor, utcnow())


@router.get(
    "/v1/imports/<import_id>",
    summary="One import: status, counts, progress and per-row error codes",
    tags=TAGS,
    responses=responses(401, 404, ok=ImportOut),
)
def get_import(import_id: ImportId) -> ImportOut:
    return imports.get_import(import_repository(), current_user_id(router), import_id, utcnow())


@router.delete(
    "/v1/imports/<import_id>",
    summary="Undo an import within 30 days: remove the leads it created that nobody has changed since",
    description="202 while its leads are being removed (follow GET /v1/imports/{import_id} to status "
    "undone, with leads_removed and leads_kept); 200 when there is nothing left to do (cancelled, "
    "undone). Leads the import filled in stay as they are. An import still awaiting authorization "
    "is cancelled.",
    tags=TAGS,
    responses=responses(401, 404, 409, ok=ImportOut, accepted=ImportOut),
)
def undo_import(import_id: ImportId) -> Response[ImportOut]:
    now = utcnow()
    job, in_progress = undo.undo_import(import_repository(), undo_starter(), current_user_id(router), import_id, now)
    if in_progress:
        count("ImportUndoRequested")
    return Response(status_code=202 if in_progress else 200, content_type=JSON, body=imports.to_model(job, now))


app = build_resolver(router)
handler = api_handler(app)
prime(IMPORTS_FUNCTION, app)
