"""Account erasure: the state machine that erases one account, and the key of its deletion receipts."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.depends_on import wait_for_policy_only
from infra.logs import bounded_log_group
from shared.erasure import workflow
from shared.resources import ERASURE_FUNCTION


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
    """Standard state machine from the shared ASL (the document the local stack runs); logs
    without execution data, KMS, X-Ray. It invokes the erasure function and nothing else."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        erasure_function = functions[ERASURE_FUNCTION.name]
        log_group = bounded_log_group(self, "Logs")
        definition = json.dumps(workflow.definition(erasure_function.function_arn))
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_string(definition),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=Duration.seconds(workflow.WORKFLOW_TIMEOUT_S),
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            encryption_configuration=sfn.CustomerManagedEncryptionConfiguration(key),
        )
        self.state_machine_arn = self.state_machine.state_machine_arn
        erasure_function.grant_invoke(self.state_machine.role)
        wait_for_policy_only(self.state_machine, self.state_machine.role)  # invoke, logs, KMS
