"""The erasure workflow (Amazon States Language): ONE document, used by the CDK and the local stack.

Its input and every state's data are ``{"deletion_id", "done"}`` only: no user id, no personal
data ever passes through the state machine or its 90-day execution history.
"""

from __future__ import annotations

from typing import Any

from shared import resources

STATE_MACHINE_NAME = "account-erasure"
TASK_TIMEOUT_S = resources.ERASURE_FUNCTION.timeout_s
WORKFLOW_TIMEOUT_S = 24 * 3600


def definition(erasure_function_arn: str) -> dict[str, Any]:
    return {
        "Comment": "Erase one account: an idempotent task, retried with backoff until it reports done",
        "StartAt": "Erase",
        "TimeoutSeconds": WORKFLOW_TIMEOUT_S,
        "States": {
            "Erase": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": erasure_function_arn, "Payload": {"deletion_id.$": "$.deletion_id"}},
                "ResultSelector": {"deletion_id.$": "$.Payload.deletion_id", "done.$": "$.Payload.done"},
                "TimeoutSeconds": TASK_TIMEOUT_S,
                "Retry": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "IntervalSeconds": 10,
                        "BackoffRate": 2.0,
                        "MaxAttempts": 6,
                        "JitterStrategy": "FULL",
                    }
                ],
                "Next": "Done?",
            },
            "Done?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Erased"}],
                "Default": "Erase",
            },
            "Erased": {"Type": "Succeed"},
        },
    }
