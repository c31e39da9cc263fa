"""Preferences function: the synced preferences document and the caller's devices."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared import stores
from shared.core.api import build_resolver, current_user_id
from shared.core.fieldwork_models import Device, DeviceBody, DeviceList, Preferences, PreferencesPut
from shared.core.links import device_links
from shared.core.models import responses
from shared.core.observability import api_handler
from shared.preferences import devices
from shared.preferences import logic as preferences

router = Router()
TAGS = ["preferences"]


@router.get(
    "/v1/me/preferences", summary="The preferences document", tags=TAGS, responses=responses(401, ok=Preferences)
)
def get_preferences() -> Preferences:
    return preferences.load_preferences(stores.preferences(), current_user_id(router))


@router.put(
    "/v1/me/preferences",
    summary="Replace the preferences document; a stale version gets 409",
    tags=TAGS,
    responses=responses(400, 401, 409, 422, ok=Preferences),
)
def put_preferences(body: PreferencesPut) -> Preferences:
    return preferences.save_preferences(stores.preferences(), current_user_id(router), body)


@router.post(
    "/v1/devices",
    summary="Register or refresh this device",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=Device, links=device_links()),
)
def register_device(body: DeviceBody) -> Device:
    return devices.register_device(stores.devices(), current_user_id(router), body)


@router.get(
    "/v1/devices",
    summary="The caller's devices",
    tags=TAGS,
    responses=responses(401, ok=DeviceList, links=device_links("/items/0/device_id")),
)
def list_devices() -> DeviceList:
    return devices.list_devices(stores.devices(), current_user_id(router))


@router.delete(
    "/v1/devices/<device_id>",
    summary="Forget a device",
    tags=TAGS,
    responses=responses(401, 404, deleted=True),
)
def forget_device(device_id: Annotated[str, Path(min_length=1, max_length=128)]) -> Response[None]:
    devices.forget_device(stores.devices(), current_user_id(router), device_id)
    return Response(status_code=204)


app = build_resolver(router)
handler = api_handler(app)
