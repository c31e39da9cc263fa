"""The files capability's real adapters: file records and the uploads bucket."""

from __future__ import annotations

from functools import cache

from shared.core import aws
from shared.core.layout import FILE_PREFIX
from shared.core.object_store import ObjectStore
from shared.core.settings import settings
from shared.leads.children import ChildRepository


@cache
def file_records() -> ChildRepository:
    return ChildRepository(aws.dynamodb(), settings().table_name, FILE_PREFIX)


@cache
def uploads() -> ObjectStore:
    return ObjectStore(aws.s3(), settings().uploads_bucket)
