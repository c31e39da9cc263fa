"""The Lambda entry point of every import workflow step.

Whatever goes wrong leaves as an :class:`ImportStepError` with a fixed message: the error Step
Functions records (and Lambda logs) names a type, never a value. Events are not logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError
from pydantic import BaseModel, ValidationError

from shared.core.dynamodb import error_code
from shared.core.ids import is_id
from shared.core.observability import LambdaHandler, metrics
from shared.imports.errors import ImportInternalError, ImportStepError, StorageBusy
from shared.privacy import get_logger, safe_exception

logger = get_logger()

_THROTTLING = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "InternalServerError"}
)


def step_handler(run: Callable[[dict[str, Any]], BaseModel]) -> LambdaHandler:
    """Wrap a step's ``run(event) -> output model`` as a Lambda handler."""

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
            if error_code(exc) in _THROTTLING:
                raise StorageBusy() from None
            raise ImportInternalError() from None
        except Exception as exc:
            logger.error("import step crashed", extra=safe_exception(exc))
            raise ImportInternalError() from None

    return handler


def _import_id(event: Any) -> str | None:
    value = event.get("import_id") if isinstance(event, dict) else None
    return value if isinstance(value, str) and is_id(value) else None
