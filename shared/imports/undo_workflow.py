"""The import undo workflow as one Amazon States Language document, for CDK and the local stack.

    Undo ──▶ More to undo? ──yes──▶ Undo (again)
                   │ no
                   ▼
                UndoEnd (undone)
    any step's error (after retries) ──▶ UndoFailed (undo_failed + error code) ──▶ Failed

One function (``import_undo``) does both: ``{"import_id", "action": "remove"}`` removes up to a
block of the import's leads and answers ``done``; ``{"import_id", "action": "end", "outcome"}``
sweeps what is left and records the outcome. The execution's state holds the import id and
``done`` only: no user id, no lead id, no count (shared/imports/undo_steps.py).
"""

from __future__ import annotations

from typing import Any

from shared.imports.workflow import LAMBDA_INVOKE, retry
from shared.resources import IMPORT_UNDO_FUNCTION, IMPORT_UNDO_WORKFLOW

STEP_FUNCTIONS = (IMPORT_UNDO_FUNCTION,)
ALLOWED_PATHS = frozenset({"$.import_id", "$.progress.done", "$.Payload.done", "$.failure.Error", "$.Payload.status"})


def _task_timeout() -> int:
    return IMPORT_UNDO_FUNCTION.timeout_s + 10


def definition(function_arns: dict[str, str], *, retry_interval_s: int = 2) -> dict[str, Any]:
    """The ASL document; ``function_arns`` maps the undo function's spec name to its ARN."""
    undo = function_arns[IMPORT_UNDO_FUNCTION.name]
    return {
        "Comment": IMPORT_UNDO_WORKFLOW.description,
        "TimeoutSeconds": IMPORT_UNDO_WORKFLOW.timeout_s,
        "StartAt": "Undo",
        "States": {
            "Undo": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {"FunctionName": undo, "Payload": {"import_id.$": "$.import_id", "action": "remove"}},
                "ResultSelector": {"done.$": "$.Payload.done"},
                "ResultPath": "$.progress",
                "TimeoutSeconds": _task_timeout(),
                "Retry": retry(retry_interval_s, 5, timeout_attempts=2),
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "UndoFailed"}],
                "Next": "MoreToUndo",
            },
            "MoreToUndo": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.progress.done", "BooleanEquals": False, "Next": "Undo"}],
                "Default": "UndoEnd",
            },
            "UndoEnd": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {
                    "FunctionName": undo,
                    "Payload": {"import_id.$": "$.import_id", "action": "end", "outcome": "succeeded"},
                },
                "ResultSelector": {"status.$": "$.Payload.status"},
                "ResultPath": "$.outcome",
                "TimeoutSeconds": _task_timeout(),
                "Retry": retry(retry_interval_s, 6, timeout_attempts=2),
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "UndoFailed"}],
                "End": True,
            },
            "UndoFailed": {
                "Type": "Task",
                "Resource": LAMBDA_INVOKE,
                "Parameters": {
                    "FunctionName": undo,
                    "Payload": {
                        "import_id.$": "$.import_id",
                        "action": "end",
                        "outcome": "failed",
                        "error.$": "$.failure.Error",
                    },
                },
                "ResultSelector": {"status.$": "$.Payload.status"},
                "ResultPath": "$.outcome",
                "TimeoutSeconds": _task_timeout(),
                "Retry": retry(retry_interval_s, 6, timeout_attempts=2),
                "Next": "Failed",
            },
            "Failed": {"Type": "Fail", "Error": "UndoFailed", "Cause": "See the import job's error_code."},
        },
    }
