"""Leads function: create, list (paginated, searchable), read, update and delete the caller's leads."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.core.api import IdempotencyKey, IfMatch, build_resolver, created, with_etag
from shared.core.cursors import CURSOR_MAX_LENGTH
from shared.core.idempotency import create_once, idempotency_store
from shared.core.identity import current_user_id
from shared.core.links import lead_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.core.versions import precondition
from shared.files.wiring import uploads
from shared.leads import logic as leads
from shared.leads.models import LEAD_PAGE_DEFAULT, LEAD_PAGE_MAX, LeadCreate, LeadPatch
from shared.leads.output import Lead, LeadPage
from shared.leads.wiring import lead_children_deleter, lead_repository
from shared.preferences.region import phone_region
from shared.preferences.wiring import preferences_repository
from shared.resources import LEADS_FUNCTION

load_settings(LEADS_FUNCTION)
router = Router()
TAGS = ["leads"]
LeadId = Annotated[str, Path(min_length=1, max_length=64, description="The lead's id")]


@router.post(
    "/v1/leads",
    summary="Create one lead (e.g. one contact picked from the phone book)",
    tags=TAGS,
    responses=responses(400, 401, 409, 422, created=Lead, links=lead_links(), etag=True),
)
def create_lead(body: LeadCreate, idempotency_key: IdempotencyKey = None) -> Response[Lead]:
    user_id, repo = current_user_id(router), lead_repository()
    made = create_once(
        idempotency_store(),
        router.lambda_context,
        user_id=user_id,
        key_header=idempotency_key,
        operation="POST /v1/leads",
        payload=body.model_dump(mode="json", exclude_unset=True),
        create=lambda: leads.create_lead(repo, user_id, body, user_region(user_id)),
        identify=lambda lead: lead.lead_id,
        replay=lambda lead_id: leads.get_lead(repo, user_id, lead_id),
    )
    if not made.replayed:
        count("LeadCreated")
    return created(made.value, replayed=made.replayed)


@router.get(
    "/v1/leads",
    summary="The caller's leads, newest first",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=LeadPage, links=lead_links("/items/0/lead_id")),
)
def list_leads(
    limit: Annotated[int, Query(ge=1, le=LEAD_PAGE_MAX)] = LEAD_PAGE_DEFAULT,
    cursor: Annotated[str | None, Query(min_length=1, max_length=CURSOR_MAX_LENGTH)] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Search name, company, email, phone"),
    ] = None,
) -> LeadPage:
    user_id = current_user_id(router)
    return leads.list_leads(lead_repository(), user_id, limit, cursor, q, user_region(user_id))


@router.get(
    "/v1/leads/<lead_id>",
    summary="One lead",
    tags=TAGS,
    responses=responses(401, 404, ok=Lead, links=lead_links(), etag=True),
)
def get_lead(lead_id: LeadId) -> Response[Lead]:
    return with_etag(leads.get_lead(lead_repository(), current_user_id(router), lead_id))


@router.patch(
    "/v1/leads/<lead_id>",
    summary="Change a lead; null clears an optional field",
    description="With If-Match, only the version read is changed (else 412); without, the current one.",
    tags=TAGS,
    responses=responses(400, 401, 404, 409, 412, 422, ok=Lead, links=lead_links(), etag=True),
)
def patch_lead(lead_id: LeadId, body: LeadPatch, if_match: IfMatch = None) -> Response[Lead]:
    user_id = current_user_id(router)
    lead = leads.update_lead(lead_repository(), user_id, lead_id, body, user_region(user_id), precondition(if_match))
    return with_etag(lead)


@router.delete(
    "/v1/leads/<lead_id>",
    summary="Delete a lead with its activities, locations and files",
    description="With If-Match, only the version read is deleted (else 412, and nothing is deleted).",
    tags=TAGS,
    responses=responses(400, 401, 404, 412, deleted=True),
)
def delete_lead(lead_id: LeadId, if_match: IfMatch = None) -> Response[None]:
    leads.delete_lead(
        lead_repository(), lead_children_deleter(), uploads(), current_user_id(router), lead_id, precondition(if_match)
    )
    count("LeadDeleted")
    return Response(status_code=204)


def user_region(user_id: str) -> Callable[[], str]:
    """The caller's region for national-format numbers, read only if a number needs it."""
    return partial(phone_region, preferences_repository(), user_id, settings().default_phone_region)


app = build_resolver(router)
handler = api_handler(app)
prime(LEADS_FUNCTION, app)
