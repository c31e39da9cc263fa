"""The preferences capability's real adapters: the preferences document and devices."""

from __future__ import annotations

from functools import cache

from shared.core import aws
from shared.core.settings import settings
from shared.preferences.device_repository import DeviceRepository
from shared.preferences.repository import PreferencesRepository


@cache
def preferences_repository() -> PreferencesRepository:
    return PreferencesRepository(aws.dynamodb(), settings().table_name)


@cache
def device_repository() -> DeviceRepository:
    return DeviceRepository(aws.dynamodb(), settings().table_name)
