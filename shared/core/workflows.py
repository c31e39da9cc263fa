"""Starting a Step Functions execution exactly once per name.

Executions are named after what they work on (an import, a deletion and its restart attempt):
Step Functions refuses a second start of the same name, which this reads as "already started"
rather than an error, so a retried request never runs the same work twice at once.

Integrations: Step Functions (StartExecution).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from shared.core.dynamodb import error_code

EXECUTION_NAME_MAX = 80


def start_execution(client: Any, state_machine_arn: str, name: str, payload: dict[str, Any]) -> bool:
    """True if this call started the execution; False if one of that name exists already."""
    try:
        client.start_execution(
            stateMachineArn=state_machine_arn, name=name[:EXECUTION_NAME_MAX], input=json.dumps(payload)
        )
    except ClientError as exc:
        if error_code(exc) != "ExecutionAlreadyExists":
            raise
        return False
    return True
