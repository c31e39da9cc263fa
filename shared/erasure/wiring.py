"""The erasure capability's real adapters: deletion records, the receipts' keyed hash, the
workflow, and every store erasure visits."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from shared.core import aws
from shared.core.settings import settings
from shared.core.workflows import start_execution
from shared.erasure.receipt_hasher import ReceiptHasher
from shared.erasure.repository import DeletionRepository

if TYPE_CHECKING:
    from shared.erasure.erase import ErasureStores


@cache
def deletions() -> DeletionRepository:
    return DeletionRepository(aws.dynamodb(), settings().table_name)


@cache
def receipt_hasher() -> ReceiptHasher:
    return ReceiptHasher(aws.kms(), settings().receipt_key_id)


def start_erasure_workflow(deletion_id: str, attempt: str = "") -> bool:
    """Executions are named after the deletion (and the restart attempt): starting the same one
    twice is refused by Step Functions, and erasure itself is idempotent anyway."""
    name = f"{deletion_id}-{attempt}" if attempt else deletion_id
    return start_execution(
        aws.stepfunctions(), settings().erasure_state_machine_arn, name, {"deletion_id": deletion_id}
    )


def erasure_stores() -> ErasureStores:
    """Only the erasure job erases (and has loaded ``erase`` at its start): the accounts API, which
    schedules erasures, does not load it, nor the files capability's wiring (the uploads bucket is
    built here: erase has loaded ``ObjectStore`` already)."""
    from shared.core.object_store import ObjectStore
    from shared.erasure.erase import ErasureStores

    config = settings()
    return ErasureStores(
        dynamodb=aws.dynamodb(),
        table=config.table_name,
        uploads=ObjectStore(aws.s3(), config.uploads_bucket),
        cognito=aws.cognito(),
        user_pool_id=config.user_pool_id,
        deletions=deletions(),
    )
