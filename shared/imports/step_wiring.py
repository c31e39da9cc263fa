"""The import workflows' steps' real adapters, built once per cold start.

Each factory imports its steps' module itself: a step function has loaded its own already, and
does not load the other workflow's (the import's steps never load the undo's, nor the reverse).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from shared.core import aws
from shared.core.clock import utcnow
from shared.core.identity import revocations
from shared.core.object_store import ObjectStore
from shared.core.pacing import pace_or_none
from shared.core.settings import settings
from shared.imports.wiring import import_repository, vault
from shared.leads.children import LeadChildren
from shared.leads.repository import DynamoLeadRepository
from shared.privacy import Pii

if TYPE_CHECKING:
    from shared.imports.steps import SheetReader, WorkerDeps
    from shared.imports.undo_steps import UndoDeps

# BatchWriteItem calls an import block keeps in flight (8 was measured to work well).
WRITES_IN_FLIGHT = 8


def sheets_client(access_token: Pii[str]) -> SheetReader:
    """One client per step invocation (its connections close with the step)."""
    from shared.imports.google.sheets import SheetsClient

    config = settings()
    return SheetsClient(access_token, config.google_sheets_url, backoff_base_s=config.google_retry_base_ms / 1000)


@cache
def worker_dependencies() -> WorkerDeps:
    from shared.imports.steps import WorkerDeps

    config = settings()
    return WorkerDeps(
        jobs=import_repository(),
        leads=DynamoLeadRepository(
            aws.dynamodb_bulk(),
            config.table_name,
            write_in_flight=WRITES_IN_FLIGHT,
            pace=pace_or_none(config.import_write_units_per_second),
        ),
        vault=vault(),
        sheets=sheets_client,
        block_rows=config.import_block_rows,
        default_region=config.default_phone_region,
        clock=utcnow,
        account_revoked=lambda user_id: revocations().is_revoked(user_id, utcnow()),
    )


@cache
def undo_dependencies() -> UndoDeps:
    from shared.imports.undo_steps import UndoDeps

    config = settings()
    return UndoDeps(
        jobs=import_repository(),
        leads=DynamoLeadRepository(aws.dynamodb_bulk(), config.table_name, write_in_flight=WRITES_IN_FLIGHT),
        children=LeadChildren(aws.dynamodb_bulk(), config.table_name),
        objects=ObjectStore(aws.s3(), config.uploads_bucket),
        clock=utcnow,
        account_revoked=lambda user_id: revocations().is_revoked(user_id, utcnow()),
    )
