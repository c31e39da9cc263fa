"""Log groups: every one with the same bounded retention (IP addresses may be in logs), encrypted
with the stack's logs key."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from shared.resources import LOG_RETENTION_DAYS

LOGS_KEY_ID = "LogsKey"


def logs_key(scope: Construct) -> kms.Key:
    """The stack's one key for log groups, created on first use.

    Separate from the data key, so CloudWatch Logs is never a principal of the key that protects
    the table and buckets; and usable by CloudWatch Logs only for this account's log groups.
    """
    stack = Stack.of(scope)
    existing = stack.node.try_find_child(LOGS_KEY_ID)
    if isinstance(existing, kms.Key):
        return existing
    key = kms.Key(
        stack,
        LOGS_KEY_ID,
        description="Encrypts the CRM's CloudWatch log groups (access logs carry IP addresses)",
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            resources=["*"],  # in a key policy, "*" is this key
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"
                    )
                }
            },
        )
    )
    return key


def bounded_log_group(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group whose retention is exactly ``LOG_RETENTION_DAYS``, encrypted with the logs key."""
    group = logs.LogGroup(scope, construct_id, encryption_key=logs_key(scope))
    cfn = group.node.default_child
    assert isinstance(cfn, logs.CfnLogGroup)
    cfn.retention_in_days = LOG_RETENTION_DAYS
    return group
