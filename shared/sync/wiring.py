"""The sync capability's real adapter: the change index of the table."""

from __future__ import annotations

from functools import cache

from shared.core import aws
from shared.core.settings import settings
from shared.sync.repository import ChangeRepository


@cache
def change_repository() -> ChangeRepository:
    return ChangeRepository(aws.dynamodb(), settings().table_name)
