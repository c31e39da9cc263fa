"""The repositories and object store a function uses, built once per cold start from settings.

Every function imports this module, so it imports only the light repository classes at the top;
feature modules (accounts, erasure, retention) load inside the factory that needs them, and a
function that never calls that factory never pays for their imports at cold start.
"""

from __future__ import annotations

import json
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from shared.core import aws
from shared.core import table as keys
from shared.core.object_store import ObjectStore
from shared.core.settings import settings
from shared.erasure.repository import DeletionRepository, ReceiptHasher
from shared.leads.children import ChildRepository, delete_children
from shared.leads.repository import DynamoLeadRepository
from shared.preferences.repository import DeviceRepository, PreferencesRepository

if TYPE_CHECKING:
    from shared.accounts.cognito import Accounts
    from shared.erasure.logic import ErasureStores
    from shared.imports.repository import DynamoImportRepository
    from shared.retention.logic import RetentionStores


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
    from shared.accounts.cognito import Accounts

    config = settings()
    config.require("user_pool_id", "user_pool_client_id")
    return Accounts(aws.cognito(), config.user_pool_id, config.user_pool_client_id)


@cache
def deletions() -> DeletionRepository:
    return DeletionRepository(aws.dynamodb(), _table())


@cache
def receipt_hasher() -> ReceiptHasher:
    config = settings()
    config.require("receipt_key_id")
    return ReceiptHasher(aws.kms(), config.receipt_key_id)


def start_erasure_workflow(deletion_id: str, attempt: str = "") -> None:
    """Executions are named after the deletion (and the restart attempt): starting the same one
    twice is refused by Step Functions, and erasure itself is idempotent anyway."""
    config = settings()
    config.require("erasure_state_machine_arn")
    try:
        aws.stepfunctions().start_execution(
            stateMachineArn=config.erasure_state_machine_arn,
            name=f"{deletion_id}{'-' + attempt if attempt else ''}"[:80],
            input=json.dumps({"deletion_id": deletion_id}),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise


def erasure_stores() -> ErasureStores:
    from shared.erasure.logic import ErasureStores

    config = settings()
    config.require("user_pool_id")
    return ErasureStores(
        dynamodb=aws.dynamodb(),
        table=_table(),
        uploads=uploads(),
        cognito=aws.cognito(),
        user_pool_id=config.user_pool_id,
        deletions=deletions(),
    )


def retention_stores() -> RetentionStores:
    from shared.retention.logic import RetentionStores

    return RetentionStores(
        dynamodb=aws.dynamodb(),
        table=_table(),
        file_records=file_records(),
        uploads=uploads(),
        deletions=deletions(),
        restart_erasure=start_erasure_workflow,
        imports=DynamoImportRepository(aws.dynamodb(), _table()),
    )


def lead_children_deleter() -> Any:
    """``(user_id, lead_id) -> deleted count`` for the lead delete cascade."""
    return partial(delete_children, aws.dynamodb(), _table())
