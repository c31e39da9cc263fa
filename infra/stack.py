"""The one production stack and the app around it (shared by app.py, infra.synth and tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import App, CfnOutput, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from infra.api import Api
from infra.auth import Auth
from infra.checkov import skip_resource_findings
from infra.data import DataStore
from infra.functions import Functions
from infra.monitoring import Monitoring
from infra.nag import acknowledge_findings
from infra.termination import DailySchedules
from shared.resources import BACKUP_FUNCTION, ENV_DEFAULT_PHONE_REGION, RETENTION_FUNCTION

CDK_JSON = Path(__file__).resolve().parent.parent / "cdk.json"
STACK_NAME = "CrmStack"


class CrmStack(Stack):
    """API Gateway → Lambda → DynamoDB/S3, Cognito for identity, one KMS key for data at rest."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.data = DataStore(self, "Data")
        self.auth = Auth(self, "Auth")
        extra_environment = _phone_region_environment(self)
        self.functions = Functions(
            self, "Functions", data=self.data, auth=self.auth, extra_environment=extra_environment
        )
        self.api = Api(self, "Api", auth=self.auth, functions=self.functions.functions)
        self.schedules = DailySchedules(
            self,
            "Schedules",
            backup=self.functions.functions[BACKUP_FUNCTION.name],
            retention=self.functions.functions[RETENTION_FUNCTION.name],
        )
        self.monitoring = Monitoring(self, "Monitoring", functions=self.functions.functions, http_api=self.api.http_api)
        acknowledge_findings(self)
        skip_resource_findings(self)

        CfnOutput(self, "ApiUrl", value=self.api.url)
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.auth.client.user_pool_client_id)
        CfnOutput(self, "TableName", value=self.data.table.table_name)


def _phone_region_environment(scope: Construct) -> dict[str, str]:
    """``-c default_phone_region=DE`` overrides the code's default region for phone parsing."""
    region = scope.node.try_get_context("default_phone_region")
    return {ENV_DEFAULT_PHONE_REGION: str(region)} if region else {}


def cdk_json_context() -> dict[str, Any]:
    """cdk.json's context (feature flags), so synth outside the CDK CLI yields the same template."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text())["context"]
    return context


def build_app(**app_kwargs: Any) -> tuple[App, CrmStack]:
    """App with cdk-nag's AwsSolutions pack registered: synth fails on any unacknowledged finding."""
    app_kwargs["context"] = {**cdk_json_context(), **app_kwargs.get("context", {})}
    app = App(**app_kwargs)
    stack = CrmStack(app, STACK_NAME, description="Lead CRM backend")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack
