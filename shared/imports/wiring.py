"""Real dependencies of the import functions, built once per cold start (clients and config —
never sheet data, which lives only inside one invocation).

The OAuth side (consent URLs, code exchange, starting the workflow) is in
:mod:`shared.imports.oauth_wiring`: the workflow steps never load the OAuth flow libraries."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from pydantic import BaseModel, ValidationError

from shared import stores
from shared.core import aws
from shared.core.observability import LambdaHandler, metrics
from shared.core.settings import settings
from shared.imports.errors import ImportInternalError, ImportStepError, StorageBusy
from shared.imports.google.sheets import SheetsClient
from shared.imports.repository import DynamoImportRepository
from shared.imports.steps import SheetReader, WorkerDeps
from shared.imports.vault import KmsVault
from shared.leads.repository import DynamoLeadRepository, utcnow
from shared.privacy import Pii, get_logger, safe_exception

logger = get_logger()

_THROTTLING = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "InternalServerError"}
)


@cache
def import_repository() -> DynamoImportRepository:
    config = settings()
    config.require("table_name")
    return DynamoImportRepository(aws.dynamodb(), config.table_name)


@cache
def vault() -> KmsVault:
    config = settings()
    config.require("import_key_id")
    return KmsVault(aws.kms(), config.import_key_id)


def sheets_client(access_token: Pii[str]) -> SheetReader:
    """One client per step invocation (its connections close with the step)."""
    config = settings()
    return SheetsClient(access_token, config.google_sheets_url, backoff_base_s=config.google_retry_base_ms / 1000)


@cache
def worker_dependencies() -> WorkerDeps:
    config = settings()
    config.require("table_name")
    return WorkerDeps(
        jobs=import_repository(),
        leads=DynamoLeadRepository(aws.dynamodb(), config.table_name),
        vault=vault(),
        sheets=sheets_client,
        block_rows=config.import_block_rows,
        default_region=config.default_phone_region,
        clock=utcnow,
        account_revoked=lambda user_id: stores.deletions().is_revoked(user_id, utcnow()),
    )


def step_handler(run: Callable[[dict[str, Any]], BaseModel]) -> LambdaHandler:
    """The Lambda entry point of a workflow step.

    Whatever goes wrong leaves as an :class:`ImportStepError` with a fixed message: the error
    Step Functions records (and Lambda logs) names a type, never a value. Events are not logged.
    """

    @logger.inject_lambda_context(clear_state=True, log_event=False)
    @metrics.log_metrics(raise_on_empty_metrics=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return run(event).model_dump()
        except ImportStepError as exc:
            logger.warning("import step failed", extra={"error_code": exc.code, "import_id": _import_id(event)})
            raise
        except ValidationError:
            logger.error("import step got a malformed event")
            raise ImportInternalError() from None
        except ClientError as exc:
            logger.error("import step AWS error", extra=safe_exception(exc))
            if exc.response.get("Error", {}).get("Code") in _THROTTLING:
                raise StorageBusy() from None
            raise ImportInternalError() from None
        except Exception as exc:
            logger.error("import step crashed", extra=safe_exception(exc))
            raise ImportInternalError() from None

    return handler


def _import_id(event: Any) -> str | None:
    value = event.get("import_id") if isinstance(event, dict) else None
    return value if isinstance(value, str) and len(value) == 26 else None
