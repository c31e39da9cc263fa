"""Activities function: activities on leads, geotagged check-ins, and call/SMS log sync."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from shared.activities import check_ins, device_logs, forget
from shared.activities import logic as activities
from shared.activities.models import ActivityCreate, CheckInCreate, DeviceLogSync, LogSource
from shared.activities.output import Activity, ActivityPage, Forgotten, SyncResult
from shared.activities.wiring import activity_bulk, activity_records
from shared.core.api import IdempotencyKey, IfMatch, build_resolver, created
from shared.core.deadline import out_of_time
from shared.core.idempotency import create_once, idempotency_store
from shared.core.identity import current_user_id
from shared.core.links import activity_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings, settings
from shared.core.user_limits import DEVICE_LOG_SYNC_LIMIT, enforce, limit_counter
from shared.core.versions import precondition
from shared.leads.wiring import lead_repository
from shared.preferences.wiring import preferences_repository
from shared.resources import ACTIVITIES_FUNCTION

load_settings(ACTIVITIES_FUNCTION)

router = Router()
TAGS = ["activities"]
LeadId = Annotated[str, Path(min_length=1, max_length=64)]
ActivityId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/v1/leads/<lead_id>/activities",
    summary="Add an activity (note, call, SMS, meeting, email, visit) to a lead",
    tags=TAGS,
    responses=responses(400, 401, 404, 409, 422, created=Activity, links=activity_links(), etag=True),
)
def create_activity(
    lead_id: LeadId, body: ActivityCreate, idempotency_key: IdempotencyKey = None
) -> Response[Activity]:
    user_id, records = current_user_id(router), activity_records()
    made = create_once(
        idempotency_store(),
        router.lambda_context,
        user_id=user_id,
        key_header=idempotency_key,
        operation="POST /v1/leads/{lead_id}/activities",
        payload={"lead_id": lead_id, "body": body.model_dump(mode="json", exclude_unset=True)},
        create=lambda: activities.create_activity(records, user_id, lead_id, body),
        identify=lambda activity: activity.activity_id,
        replay=lambda activity_id: activities.get_activity(records, user_id, activity_id),
    )
    if not made.replayed:
        count("ActivityCreated")
    return created(made.value, replayed=made.replayed)


@router.get(
    "/v1/leads/<lead_id>/activities",
    summary="A lead's activities, newest first",
    tags=TAGS,
    responses=responses(400, 401, 404, 422, ok=ActivityPage, links=activity_links("/items/0/activity_id")),
)
def list_activities(
    lead_id: LeadId,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> ActivityPage:
    return activities.list_activities(
        activity_records(), lead_repository(), current_user_id(router), lead_id, limit, cursor
    )


@router.delete(
    "/v1/activities/<activity_id>",
    summary="Delete an activity (its location goes with it)",
    description="With If-Match, only the version read is deleted (else 412).",
    tags=TAGS,
    responses=responses(400, 401, 404, 412, deleted=True),
)
def delete_activity(activity_id: ActivityId, if_match: IfMatch = None) -> Response[None]:
    activities.delete_activity(activity_records(), current_user_id(router), activity_id, precondition(if_match))
    return Response(status_code=204)


@router.post(
    "/v1/leads/<lead_id>/check-ins",
    summary="Record a geotagged visit (refused while location is off in preferences)",
    tags=TAGS,
    responses=responses(400, 401, 404, 409, 422, created=Activity, links=activity_links(), etag=True),
)
def check_in(lead_id: LeadId, body: CheckInCreate, idempotency_key: IdempotencyKey = None) -> Response[Activity]:
    user_id, records = current_user_id(router), activity_records()
    made = create_once(
        idempotency_store(),
        router.lambda_context,
        user_id=user_id,
        key_header=idempotency_key,
        operation="POST /v1/leads/{lead_id}/check-ins",
        payload={"lead_id": lead_id, "body": body.model_dump(mode="json", exclude_unset=True)},
        create=lambda: check_ins.check_in(records, preferences_repository(), user_id, lead_id, body),
        identify=lambda activity: activity.activity_id,
        replay=lambda activity_id: activities.get_activity(records, user_id, activity_id),
    )
    if not made.replayed:
        count("CheckIn")
    return created(made.value, replayed=made.replayed)


@router.post(
    "/v1/device-logs/sync",
    summary="Turn call and SMS log entries into activities on matching leads; others are discarded",
    tags=TAGS,
    responses=responses(400, 401, 409, 422, 429, ok=SyncResult),
)
def sync_device_logs(body: DeviceLogSync) -> SyncResult:
    user_id = current_user_id(router)
    enforce(limit_counter(), user_id, DEVICE_LOG_SYNC_LIMIT)
    result = device_logs.sync_device_logs(
        activity_records(),
        lead_repository(),
        preferences_repository(),
        user_id,
        body,
        settings().default_phone_region,
    )
    count("LogActivitiesCreated", result.created)
    return result


@router.delete(
    "/v1/me/locations",
    summary="Delete the location of every check-in (the visits stay, without a place)",
    description="Devices learn of it at their next sync (each check-in gets a new version). With "
    "complete: false the request stopped to answer in time: send it again to go on.",
    tags=TAGS,
    responses=responses(401, ok=Forgotten),
)
def forget_check_in_locations() -> Forgotten:
    result = forget.forget_check_in_locations(
        activity_bulk(), current_user_id(router), out_of_time(router.lambda_context)
    )
    count("CheckInLocationsDeleted", result.count)
    return result


@router.delete(
    "/v1/me/activities",
    summary="Delete every activity created from your call logs, or from your SMS",
    description="Devices learn of it at their next sync (tombstones). With complete: false the request "
    "stopped to answer in time: send it again to go on.",
    tags=TAGS,
    responses=responses(401, ok=Forgotten),
)
def forget_log_activities(
    source: Annotated[LogSource, Query(description="call_log or sms_log: which logs' activities to delete")],
) -> Forgotten:
    result = forget.forget_log_activities(
        activity_bulk(), current_user_id(router), source, out_of_time(router.lambda_context)
    )
    count("LogActivitiesDeleted", result.count)
    return result


app = build_resolver(router)
handler = api_handler(app)
prime(ACTIVITIES_FUNCTION, app)
