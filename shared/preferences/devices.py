"""Devices of a user ("device type, operating system" in the policy): what the app reports, no more."""

from __future__ import annotations

from shared.core.clock import utcnow
from shared.core.errors import NotFound
from shared.preferences.device_repository import DeviceRepository
from shared.preferences.models import DeviceBody
from shared.preferences.output import Device, DeviceList
from shared.preferences.records import to_device


def register_device(repo: DeviceRepository, user_id: str, body: DeviceBody) -> Device:
    attrs = {"platform": body.platform, "os_version": body.os_version, "app_version": body.app_version}
    return to_device(repo.upsert(user_id, body.device_id, attrs, utcnow()))


def list_devices(repo: DeviceRepository, user_id: str) -> DeviceList:
    return DeviceList(items=[to_device(item) for item in repo.list(user_id)])


def forget_device(repo: DeviceRepository, user_id: str, device_id: str) -> None:
    if not repo.delete(user_id, device_id):
        raise NotFound("No such device.", "device_not_found")
