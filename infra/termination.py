"""Account termination and retention: the erasure state machine, the receipts' HMAC key and the
daily schedules (backup, retention jobs)."""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.logs import bounded_log_group
from shared.erasure import workflow as erasure_workflow


class ReceiptKey(Construct):
    """HMAC key: deletion receipts keep a keyed hash of the user id, matchable after a restore."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description="HMAC key for the keyed hash of user ids in account-deletion receipts",
            key_spec=kms.KeySpec.HMAC_256,
            key_usage=kms.KeyUsage.GENERATE_VERIFY_MAC,
            removal_policy=RemovalPolicy.RETAIN,
        )


class ErasureWorkflow(Construct):
    """Standard state machine from the same ASL document the local stack runs."""

    def __init__(
        self, scope: Construct, construct_id: str, *, erasure_function: lambda_.IFunction, key: kms.IKey
    ) -> None:
        super().__init__(scope, construct_id)
        log_group = bounded_log_group(self, "Logs")
        definition = json.dumps(erasure_workflow.definition(erasure_function.function_arn))
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_string(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=Duration.seconds(erasure_workflow.WORKFLOW_TIMEOUT_S),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            encryption_configuration=sfn.CustomerManagedEncryptionConfiguration(key),
        )
        erasure_function.grant_invoke(self.state_machine.role)
        # The role is already a dependency through RoleArn; wait only for its policy (cfn-lint W3005).
        policy = self.state_machine.role.node.find_child("DefaultPolicy").node.default_child
        cfn_state_machine = self.state_machine.node.default_child
        assert isinstance(policy, iam.CfnPolicy)
        assert isinstance(cfn_state_machine, sfn.CfnStateMachine)
        cfn_state_machine.add_override("DependsOn", [Stack.of(self).get_logical_id(policy)])


class DailySchedules(Construct):
    """EventBridge Scheduler: the backup export at 02:00 UTC, the retention jobs at 03:00 UTC."""

    def __init__(
        self, scope: Construct, construct_id: str, *, backup: lambda_.IFunction, retention: lambda_.IFunction
    ) -> None:
        super().__init__(scope, construct_id)
        for name, function, hour in (("Backup", backup, "2"), ("Retention", retention, "3")):
            scheduler.Schedule(
                self,
                name,
                description=f"Daily {name.lower()} job",
                schedule=scheduler.ScheduleExpression.cron(minute="0", hour=hour),
                target=targets.LambdaInvoke(function, input=scheduler.ScheduleTargetInput.from_object({})),
            )


def state_machine_start(state_machine: sfn.IStateMachine) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=["states:StartExecution"], resources=[state_machine.state_machine_arn])
