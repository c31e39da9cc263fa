"""The import workflow as one Amazon States Language document, for CDK and the local stack alike.

    Prepare ──▶ More rows? ──yes──▶ ImportChunk ──┐
                  ▲   │ no                         │
                  │   ▼                            │
                  │  Finalize (succeeded)          │
                  └────────────────────────────────┘
    any step's error (after retries) ──▶ MarkFailed (finalize, failed + error code) ──▶ Failed

State carried between steps: ``import_id``, ``cursor`` {next_row, last_row} and at the end
``outcome`` {status} — no user id: the steps find the user by the import's reference item, so the
execution's input and history (kept by Step Functions for 90 days) name nobody;
every Parameters and ResultSelector below names its paths explicitly, so nothing a Lambda might
return beyond the cursor (and nothing from the sheet) enters the execution's state.
"""

from __future__ import annotations

from typing import Any

from shared.imports.errors import RETRYABLE_ERRORS
from shared.resources import (
    IMPORT_CHUNK_FUNCTION,
    IMPORT_FINALIZE_FUNCTION,
    IMPORT_PREPARE_FUNCTION,
    IMPORT_WORKFLOW,
    FunctionSpec,
)

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
# The Lambda service's own transient failures (throttling, service errors).
LAMBDA_TRANSIENT = [
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
]
TIMEOUTS = ["States.Timeout", "Sandbox.Timedout"]
STEP_FUNCTIONS: tuple[FunctionSpec, ...] = (IMPORT_PREPARE_FUNCTION, IMPORT_CHUNK_FUNCTION, IMPORT_FINALIZE_FUNCTION)
# The only paths the definition reads (test_import_workflow asserts it): ids and the cursor.
ALLOWED_PATHS = frozenset(
    {
        "$.import_id",
        "$.cursor.next_row",
        "$.cursor.last_row",
        "$.Payload.next_row",
        "$.Payload.last_row",
        "$.failure.Error",
        "$.Payload.status",
    }
)


def _task_timeout(spec: FunctionSpec) -> int:
    return spec.timeout_s + 10  # the function's own timeout fires first


def retry(interval_s: int, attempts: int, timeout_attempts: int = 1) -> list[dict[str, Any]]:
    """Transient errors retried with jittered backoff; a timed-out step run again (every step is
    idempotent: a chunk re-run, like an undo page, commits once)."""
    return [
        {
            "ErrorEquals": [*RETRYABLE_ERRORS, *LAMBDA_TRANSIENT],
            "IntervalSeconds": interval_s,
            "BackoffRate": 2.0,
            "MaxAttempts": attempts,
            "MaxDelaySeconds": 60,
            "JitterStrategy": "FULL",
        },
        {"ErrorEquals": TIMEOUTS, "IntervalSeconds": interval_s, "MaxAttempts": timeout_attempts},
    ]


def _catch() -> list[dict[str, Any]]:
    return [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "MarkFailed"}]


def _ids() -> dict[str, str]:
    return {"import_id.$": "$.import_id"}


def definition(function_arns: dict[str, str], *, retry_interval_s: int = 2) -> dict[str, Any]:
    """The ASL document; ``function_arns`` maps each step function's spec name to its ARN."""
    prepare, chunk, finalize = (function_arns[spec.name] for spec in STEP_FUNCTIONS)
    cursor_only = {"next_row.$": "$.Payload.next_row", "last_row.$": "$.Payload.last_row"}
    outcome_only = {"status.$": "$.Payload.status"}
    # No null anywhere: CDK's JSON rendering drops nulls, and the document must be the same
    # in both places (tests/infra/test_import_workflow.py compares them).
    return {
        "Comment": IMPORT_WORKFLOW.description,
        "TimeoutSeconds": IMPORT_WORKFLOW.timeout_s,
        "StartAt": "Prepare",
        "States": {
            "Prepare": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {"FunctionName": prepare, "Payload": _ids()},
                "ResultSelector": cursor_only,
                "ResultPath": "$.cursor",
                "TimeoutSeconds": _task_timeout(IMPORT_PREPARE_FUNCTION),
                "Retry": retry(retry_interval_s, 4),
                "Catch": _catch(),
                "Next": "MoreRows",
            },
            "MoreRows": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.cursor.next_row",
                        "NumericLessThanEqualsPath": "$.cursor.last_row",
                        "Next": "ImportChunk",
                    }
                ],
                "Default": "Finalize",
            },
            "ImportChunk": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {
                    "FunctionName": chunk,
                    "Payload": {
                        **_ids(),
                        "next_row.$": "$.cursor.next_row",
                        "last_row.$": "$.cursor.last_row",
                    },
                },
                "ResultSelector": cursor_only,
                "ResultPath": "$.cursor",
                "TimeoutSeconds": _task_timeout(IMPORT_CHUNK_FUNCTION),
                "Retry": retry(retry_interval_s, 5),
                "Catch": _catch(),
                "Next": "MoreRows",
            },
            "Finalize": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {"FunctionName": finalize, "Payload": {**_ids(), "outcome": "succeeded"}},
                "ResultSelector": outcome_only,
                "ResultPath": "$.outcome",
                "TimeoutSeconds": _task_timeout(IMPORT_FINALIZE_FUNCTION),
                "Retry": retry(retry_interval_s, 6),
                "Catch": _catch(),
                "End": True,
            },
            "MarkFailed": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {
                    "FunctionName": finalize,
                    "Payload": {**_ids(), "outcome": "failed", "error.$": "$.failure.Error"},
                },
                "ResultSelector": outcome_only,
                "ResultPath": "$.outcome",
                "TimeoutSeconds": _task_timeout(IMPORT_FINALIZE_FUNCTION),
                "Retry": retry(retry_interval_s, 6),
                "Next": "Failed",
            },
            "Failed": {"Type": "Fail", "Error": "ImportFailed", "Cause": "See the import job's error_code."},
        },
    }
