"""The repositories and object store a function uses, built once per cold start from settings."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from shared import aws
from shared.accounts import Accounts
from shared.config import settings
from shared.repositories import keys
from shared.repositories.activities import ChildRepository, delete_children
from shared.repositories.leads import DynamoLeadRepository
from shared.repositories.preferences import DeviceRepository, PreferencesRepository
from shared.storage import ObjectStore


def _table() -> str:
    config = settings()
    config.require("table_name")
    return config.table_name


@cache
def leads() -> DynamoLeadRepository:
    return DynamoLeadRepository(aws.dynamodb(), _table())


@cache
def activities() -> ChildRepository:
    return ChildRepository(aws.dynamodb(), _table(), keys.ACTIVITY_PREFIX)


@cache
def file_records() -> ChildRepository:
    return ChildRepository(aws.dynamodb(), _table(), keys.FILE_PREFIX)


@cache
def preferences() -> PreferencesRepository:
    return PreferencesRepository(aws.dynamodb(), _table())


@cache
def devices() -> DeviceRepository:
    return DeviceRepository(aws.dynamodb(), _table())


@cache
def uploads() -> ObjectStore:
    config = settings()
    config.require("uploads_bucket")
    return ObjectStore(aws.s3(), config.uploads_bucket)


@cache
def accounts() -> Accounts:
    config = settings()
    config.require("user_pool_id", "user_pool_client_id")
    return Accounts(aws.cognito(), config.user_pool_id, config.user_pool_client_id)


def lead_children_deleter() -> Any:
    """``(user_id, lead_id) -> deleted count`` for the lead delete cascade."""
    return partial(delete_children, aws.dynamodb(), _table())
