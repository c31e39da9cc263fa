"""The activities capability's real adapters, built once per cold start from the function's settings."""

from __future__ import annotations

from functools import cache

from shared.activities.bulk_repository import ActivityBulkRepository
from shared.core import aws
from shared.core.layout import ACTIVITY_PREFIX
from shared.core.settings import settings
from shared.leads.children import ChildRepository


@cache
def activity_records() -> ChildRepository:
    return ChildRepository(aws.dynamodb(), settings().table_name, ACTIVITY_PREFIX)


@cache
def activity_bulk() -> ActivityBulkRepository:
    return ActivityBulkRepository(aws.dynamodb(), settings().table_name)
