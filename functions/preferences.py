"""Preferences function: the synced preferences document and the caller's devices."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.core.api import IfMatch, build_resolver, with_etag
from shared.core.identity import current_user_id
from shared.core.links import device_links
from shared.core.observability import api_handler
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.core.versions import precondition
from shared.preferences import devices, records
from shared.preferences import logic as preferences
from shared.preferences.models import DeviceBody, PreferencesPatch, PreferencesPut
from shared.preferences.output import Device, DeviceList, Preferences
from shared.preferences.wiring import device_repository, preferences_repository
from shared.resources import PREFERENCES_FUNCTION

load_settings(PREFERENCES_FUNCTION)
router = Router()
TAGS = ["preferences"]


@router.get(
    "/v1/me/preferences",
    summary="The preferences document",
    tags=TAGS,
    responses=responses(401, ok=Preferences, etag=True),
)
def get_preferences() -> Response[Preferences]:
    return with_etag(records.load_preferences(preferences_repository(), current_user_id(router)))


@router.put(
    "/v1/me/preferences",
    summary="Replace the whole preferences document (every field); a stale version gets 412",
    description="The version read goes in If-Match or in the body's version. Without either, the write "
    "replaces whatever version is current.",
    tags=TAGS,
    responses=responses(400, 401, 412, 422, ok=Preferences, etag=True),
)
def put_preferences(body: PreferencesPut, if_match: IfMatch = None) -> Response[Preferences]:
    saved = preferences.replace_preferences(
        preferences_repository(), current_user_id(router), body, precondition(if_match)
    )
    return with_etag(saved)


@router.patch(
    "/v1/me/preferences",
    summary="Change some preferences and keep the others; a stale version gets 412",
    description="Only the fields given change (default_region: null clears it). With If-Match (or the "
    "body's version) only the version read is changed.",
    tags=TAGS,
    responses=responses(400, 401, 412, 422, ok=Preferences, etag=True),
)
def patch_preferences(body: PreferencesPatch, if_match: IfMatch = None) -> Response[Preferences]:
    saved = preferences.change_preferences(
        preferences_repository(), current_user_id(router), body, precondition(if_match)
    )
    return with_etag(saved)


@router.post(
    "/v1/devices",
    summary="Register or refresh this device",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=Device, links=device_links()),
)
def register_device(body: DeviceBody) -> Device:
    return devices.register_device(device_repository(), current_user_id(router), body)


@router.get(
    "/v1/devices",
    summary="The caller's devices",
    tags=TAGS,
    responses=responses(401, ok=DeviceList, links=device_links("/items/0/device_id")),
)
def list_devices() -> DeviceList:
    return devices.list_devices(device_repository(), current_user_id(router))


@router.delete(
    "/v1/devices/<device_id>",
    summary="Forget a device",
    tags=TAGS,
    responses=responses(401, 404, deleted=True),
)
def forget_device(device_id: Annotated[str, Path(min_length=1, max_length=128)]) -> Response[None]:
    devices.forget_device(device_repository(), current_user_id(router), device_id)
    return Response(status_code=204)


app = build_resolver(router)
handler = api_handler(app)
prime(PREFERENCES_FUNCTION, app)
