"""The leads capability's real adapters, built once per cold start from the function's settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from shared.core import aws
from shared.core.settings import settings
from shared.leads.children import delete_children
from shared.leads.repository import DynamoLeadRepository


@cache
def lead_repository() -> DynamoLeadRepository:
    return DynamoLeadRepository(aws.dynamodb(), settings().table_name)


def lead_children_deleter() -> Callable[[str, str], int]:
    """``(user_id, lead_id) -> deleted count`` for the lead delete cascade."""
    return partial(delete_children, aws.dynamodb(), settings().table_name)
