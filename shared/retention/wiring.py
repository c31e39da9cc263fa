"""The stores the retention jobs visit, built from the function's settings."""

from __future__ import annotations

from shared.core import aws
from shared.core.settings import settings
from shared.erasure.wiring import deletions, start_erasure_workflow
from shared.files.wiring import file_records, uploads
from shared.imports.repository import DynamoImportRepository
from shared.retention.logic import RetentionStores


def retention_stores() -> RetentionStores:
    return RetentionStores(
        dynamodb=aws.dynamodb(),
        table=settings().table_name,
        file_records=file_records(),
        uploads=uploads(),
        deletions=deletions(),
        restart_erasure=start_erasure_workflow,
        imports=DynamoImportRepository(aws.dynamodb(), settings().table_name),
    )
