"""Google Sheets import: its KMS keys, the Google client secret and the Step Functions workflow.

``ImportSecrets`` exists before the functions (their roles and environment name it);
``ImportWorkflow`` after them (its definition names their ARNs), and the stack then grants the
functions that start it (``Functions.grant``), as it does for the erasure workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.depends_on import wait_for_policy_only
from infra.logs import bounded_log_group as log_group
from shared.imports import workflow
from shared.imports.vault import PURPOSE
from shared.resources import IMPORT_WORKFLOW, FunctionSpec, WorkflowSpec

_LOG_LEVELS = {
    "ALL": sfn.LogLevel.ALL,
    "ERROR": sfn.LogLevel.ERROR,
    "FATAL": sfn.LogLevel.FATAL,
    "OFF": sfn.LogLevel.OFF,
}


class ImportSecrets(Construct):
    """The import's KMS keys and the OAuth client secret (its value is set by the operator).

    Two keys: ``key`` seals the OAuth state and the access token (only the import functions may
    use it, only under the import's encryption context); ``workflow_key`` encrypts the state
    machine's data and its logs, which the log delivery service must be able to read — so that
    grant never reaches the key that seals tokens.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.key = kms.Key(
            self,
            "Key",
            description="Seals the Google Sheets import's OAuth state and access token",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.workflow_key = kms.Key(
            self,
            "WorkflowKey",
            description="Encrypts the Google Sheets import workflow's state and logs",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.google_client_secret = secretsmanager.Secret(
            self,
            "GoogleClientSecret",
            description="Google OAuth client secret of the Sheets import (set the value from Google Cloud Console)",
            encryption_key=self.key,  # a customer-managed key, used through Secrets Manager only
            removal_policy=RemovalPolicy.RETAIN,
        )

    def key_use(self) -> iam.PolicyStatement:
        """Encrypt/Decrypt with the import key, and only under the import's encryption context."""
        return iam.PolicyStatement(
            actions=["kms:Encrypt", "kms:Decrypt"],
            resources=[self.key.key_arn],
            conditions={"StringEquals": {"kms:EncryptionContext:purpose": PURPOSE}},
        )


class ImportWorkflow(Construct):
    """Standard state machine from the shared ASL; logs without execution data, KMS, X-Ray.
    The import (shared/imports/workflow.py) by default; its undo (undo_workflow.py) likewise."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        secrets: ImportSecrets,
        functions: Mapping[str, lambda_.IFunction],
        spec: WorkflowSpec = IMPORT_WORKFLOW,
        step_functions: tuple[FunctionSpec, ...] = workflow.STEP_FUNCTIONS,
        definition: Callable[[dict[str, str]], dict[str, Any]] = workflow.definition,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        steps = {f.name: functions[f.name].function_arn for f in step_functions}
        state_machine_name = f"{stack.stack_name}-{spec.name}"
        # The state machine's ARN, formatted from its fixed name rather than referenced: that is how
        # the starting function's policy and environment name it (same value).
        self.state_machine_arn = stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=state_machine_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.log_group = log_group(self, "Logs")
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description=f"{spec.name} workflow: invokes its step functions and nothing else",
            inline_policies={
                "Access": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=list(steps.values()))]
                )
            },
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=state_machine_name,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(stack.to_json_string(definition(steps))),
            role=self.role,
            logs=sfn.LogOptions(
                destination=self.log_group,
                level=_LOG_LEVELS[spec.log_level],
                include_execution_data=spec.include_execution_data,
            ),
            tracing_enabled=spec.tracing,
            encryption_configuration=sfn.CustomerManagedEncryptionConfiguration(
                secrets.workflow_key, Duration.minutes(5)
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        wait_for_policy_only(self.state_machine, self.role)  # logs, KMS
