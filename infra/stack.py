"""The one production stack and the app around it (shared by app.py, infra.synth and tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import App, CfnOutput, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from infra.api import Api
from infra.auth import Auth, user_pool_email
from infra.checkov import skip_resource_findings
from infra.data import DataStore
from infra.edge import EDGE_STACK_NAME, EdgeStack
from infra.erasure import ErasureWorkflow
from infra.functions import Functions
from infra.grants import start_execution
from infra.imports import ImportSecrets, ImportWorkflow
from infra.monitoring import Monitoring
from infra.nag import acknowledge_findings
from infra.schedules import DailySchedules
from shared.imports import undo_workflow
from shared.resources import (
    BACKUP_FUNCTION,
    ENV_APP_LINK_SCHEME,
    ENV_DEFAULT_PHONE_REGION,
    ENV_ERASURE_STATE_MACHINE_ARN,
    ENV_IMPORT_STATE_MACHINE_ARN,
    ENV_IMPORT_UNDO_STATE_MACHINE_ARN,
    ENV_OAUTH_REDIRECT_URI,
    IMPORT_UNDO_WORKFLOW,
    RETENTION_FUNCTION,
)

OAUTH_CALLBACK_PATH = "v1/oauth/google/callback"

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
STACK_NAME = "CrmStack"


class CrmStack(Stack):
    """API Gateway → Lambda → DynamoDB/S3, Cognito for identity, one KMS key for data at rest."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.data = DataStore(self, "Data")
        self.auth = Auth(self, "Auth", email=user_pool_email(self))
        self.import_secrets = ImportSecrets(self, "ImportSecrets")
        extra_environment = {**_phone_region_environment(self), **_app_link_environment(self)}
        self.functions = Functions(
            self,
            "Functions",
            data=self.data,
            auth=self.auth,
            imports=self.import_secrets,
            extra_environment=extra_environment,
            google_client_id=self.node.try_get_context("google_client_id"),
        )
        # A workflow invokes functions and other functions start it: it is created after the
        # functions, which are then granted what starting it takes (as the redirect URI below).
        self.import_workflow = ImportWorkflow(
            self, "ImportWorkflow", secrets=self.import_secrets, functions=self.functions.invoke_targets
        )
        self.import_undo_workflow = ImportWorkflow(
            self,
            "ImportUndoWorkflow",
            secrets=self.import_secrets,
            functions=self.functions.functions,
            spec=IMPORT_UNDO_WORKFLOW,
            step_functions=undo_workflow.STEP_FUNCTIONS,
            definition=undo_workflow.definition,
        )
        # Inside Functions, where it was first deployed: elsewhere its logical ids would change,
        # which replaces the state machine (a new ARN) and orphans its retained log group.
        self.erasure_workflow = ErasureWorkflow(
            self.functions, "ErasureWorkflow", functions=self.functions.functions, key=self.data.key
        )
        import_arn, erasure_arn = self.import_workflow.state_machine_arn, self.erasure_workflow.state_machine_arn
        self.functions.grant(
            "import_workflow", [start_execution(import_arn)], {ENV_IMPORT_STATE_MACHINE_ARN: import_arn}
        )
        undo_arn = self.import_undo_workflow.state_machine_arn
        self.functions.grant(
            "import_undo_workflow", [start_execution(undo_arn)], {ENV_IMPORT_UNDO_STATE_MACHINE_ARN: undo_arn}
        )
        self.functions.grant(
            "erasure_workflow", [start_execution(erasure_arn)], {ENV_ERASURE_STATE_MACHINE_ARN: erasure_arn}
        )
        self.api = Api(self, "Api", auth=self.auth, functions=self.functions.invoke_targets)
        self.schedules = DailySchedules(
            self,
            "Schedules",
            backup=self.functions.functions[BACKUP_FUNCTION.name],
            retention=self.functions.functions[RETENTION_FUNCTION.name],
        )
        # Google redirects to the callback route; `-c oauth_redirect_uri=…` for a custom domain.
        redirect_uri = self.node.try_get_context("oauth_redirect_uri") or f"{self.api.url}{OAUTH_CALLBACK_PATH}"
        self.functions.grant("google_client", environment={ENV_OAUTH_REDIRECT_URI: redirect_uri})
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=self.functions.functions,
            http_api=self.api.http_api,
            state_machines={
                "ImportWorkflow": self.import_workflow.state_machine,
                "ImportUndoWorkflow": self.import_undo_workflow.state_machine,
                "ErasureWorkflow": self.erasure_workflow.state_machine,
            },
        )
        acknowledge_findings(
            self,
            data=self.data,
            auth=self.auth,
            functions=self.functions,
            api=self.api,
            import_secrets=self.import_secrets,
            import_workflows=(self.import_workflow, self.import_undo_workflow),
            erasure_workflow=self.erasure_workflow,
        )
        skip_resource_findings(data=self.data, receipt_key=self.functions.receipt_key)

        CfnOutput(self, "ApiUrl", value=self.api.url)
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.auth.client.user_pool_client_id)
        CfnOutput(self, "TableName", value=self.data.table.table_name)
        CfnOutput(self, "ImportStateMachineArn", value=self.import_workflow.state_machine.state_machine_arn)
        CfnOutput(self, "GoogleClientSecretArn", value=self.import_secrets.google_client_secret.secret_arn)


def _phone_region_environment(scope: Construct) -> dict[str, str]:
    """``-c default_phone_region=DE`` overrides the code's default region for phone parsing."""
    region = scope.node.try_get_context("default_phone_region")
    return {ENV_DEFAULT_PHONE_REGION: str(region)} if region else {}


def _app_link_environment(scope: Construct) -> dict[str, str]:
    """``-c app_link_scheme=acme`` changes the scheme of the callback page's link into the app."""
    scheme = scope.node.try_get_context("app_link_scheme")
    return {ENV_APP_LINK_SCHEME: str(scheme)} if scheme else {}


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context (feature flags), so synth outside the CDK CLI yields the same template."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context


def build_app(**app_kwargs: Any) -> tuple[App, CrmStack]:
    """App with cdk-nag's AwsSolutions pack registered: synth fails on any unacknowledged finding."""
    app_kwargs["context"] = {**cdk_json_context(), **app_kwargs.get("context", {})}
    app = App(**app_kwargs)
    stack = CrmStack(app, STACK_NAME, description="Lead CRM backend")
    EdgeStack(app, EDGE_STACK_NAME, description="Lead CRM API's edge: CloudFront and AWS WAF (us-east-1)")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack
