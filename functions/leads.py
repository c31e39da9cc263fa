"""Leads function: create, list (paginated, searchable), read, update and delete the caller's leads."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.core.api import JSON, build_resolver
from shared.core.identity import current_user_id
from shared.core.links import lead_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.settings import load_settings, settings
from shared.files.wiring import uploads
from shared.leads import logic as leads
from shared.leads.models import (
    CURSOR_MAX_LENGTH,
    LEAD_PAGE_DEFAULT,
    LEAD_PAGE_MAX,
    Lead,
    LeadCreate,
    LeadPage,
    LeadPatch,
)
from shared.leads.wiring import lead_children_deleter, lead_repository
from shared.resources import LEADS_FUNCTION

load_settings(LEADS_FUNCTION)
router = Router()
TAGS = ["leads"]
LeadId = Annotated[str, Path(min_length=1, max_length=64, description="The lead's id")]


@router.post(
    "/v1/leads",
    summary="Create one lead (e.g. one contact picked from the phone book)",
    tags=TAGS,
    responses=responses(400, 401, 422, created=Lead, links=lead_links()),
)
def create_lead(body: LeadCreate) -> Response[Lead]:
    lead = leads.create_lead(lead_repository(), current_user_id(router), body, settings().default_phone_region)
    count("LeadCreated")
    return Response(status_code=201, content_type=JSON, body=lead)


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
    return leads.list_leads(lead_repository(), current_user_id(router), limit=limit, cursor=cursor, query=q)


@router.get(
    "/v1/leads/<lead_id>",
    summary="One lead",
    tags=TAGS,
    responses=responses(401, 404, ok=Lead, links=lead_links()),
)
def get_lead(lead_id: LeadId) -> Lead:
    return leads.get_lead(lead_repository(), current_user_id(router), lead_id)


@router.patch(
    "/v1/leads/<lead_id>",
    summary="Change a lead; null clears an optional field",
    tags=TAGS,
    responses=responses(400, 401, 404, 422, ok=Lead, links=lead_links()),
)
def patch_lead(lead_id: LeadId, body: LeadPatch) -> Lead:
    return leads.update_lead(lead_repository(), current_user_id(router), lead_id, body, settings().default_phone_region)


@router.delete(
    "/v1/leads/<lead_id>",
    summary="Delete a lead with its activities, locations and files",
    tags=TAGS,
    responses=responses(401, 404, deleted=True),
)
def delete_lead(lead_id: LeadId) -> Response[None]:
    leads.delete_lead(lead_repository(), lead_children_deleter(), uploads(), current_user_id(router), lead_id)
    count("LeadDeleted")
    return Response(status_code=204)


app = build_resolver(router)
handler = api_handler(app)
