"""What a function's needs grant it: IAM statements and the environment that names the resources."""

from __future__ import annotations

from aws_cdk import aws_iam as iam


def start_execution(state_machine_arn: str) -> iam.PolicyStatement:
    """Start executions of one state machine; reading or stopping them is not needed."""
    return iam.PolicyStatement(actions=["states:StartExecution"], resources=[state_machine_arn])
