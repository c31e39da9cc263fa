"""Log groups: every one with the same bounded retention (IP addresses may be in logs)."""

from __future__ import annotations

from aws_cdk import aws_logs as logs
from constructs import Construct

from shared.resources import LOG_RETENTION_DAYS


def bounded_log_group(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group whose retention is exactly ``LOG_RETENTION_DAYS``."""
    group = logs.LogGroup(scope, construct_id)
    cfn = group.node.default_child
    assert isinstance(cfn, logs.CfnLogGroup)
    cfn.retention_in_days = LOG_RETENTION_DAYS
    return group
