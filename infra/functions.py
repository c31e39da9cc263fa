"""One Lambda function per ``FunctionSpec``, a shared dependencies layer, least-privilege roles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.auth import Auth
from infra.data import DataStore
from infra.erasure import ReceiptKey
from infra.logs import bounded_log_group
from infra.packaging import ARCHITECTURE, RUNTIME, dependencies_layer, function_code
from shared.resources import (
    BACKUPS_BUCKET,
    ENV_BACKUPS_BUCKET,
    ENV_DATA_KEY_ARN,
    ENV_GOOGLE_CLIENT_ID,
    ENV_GOOGLE_CLIENT_SECRET_ARN,
    ENV_IMPORT_KEY_ID,
    ENV_RECEIPT_KEY_ID,
    ENV_TABLE_ARN,
    ENV_TABLE_NAME,
    ENV_UPLOADS_BUCKET,
    ENV_USER_POOL_CLIENT_ID,
    ENV_USER_POOL_ID,
    FUNCTIONS,
    NEED_ENVIRONMENT,
    RUNTIME_ENVIRONMENT,
    TABLE,
    UPLOADS_BUCKET,
    FunctionSpec,
    Need,
)

if TYPE_CHECKING:
    from infra.imports import ImportSecrets

# Until `-c google_client_id=…` is given, the import's consent URL names no real client.
GOOGLE_CLIENT_ID_PLACEHOLDER = "set-google-client-id-at-deploy"

TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:ConditionCheckItem",
]
KMS_DATA_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
OBJECT_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
]
USER_POOL_ACTIONS = {
    "user_pool": ["cognito-idp:AdminGetUser", "cognito-idp:AdminUpdateUserAttributes"],
    "user_pool_revoke": ["cognito-idp:AdminDisableUser", "cognito-idp:AdminUserGlobalSignOut"],
    "user_pool_erase": ["cognito-idp:AdminDeleteUser"],
}


def _depend_on_policy_only(function: lambda_.Function, role: iam.Role) -> None:
    """The function must wait for its policy; CDK also lists the role, which the GetAtt implies
    already (cfn-lint W3005)."""
    cfn_function = function.node.default_child
    cfn_policy = role.node.find_child("DefaultPolicy").node.default_child
    assert isinstance(cfn_function, lambda_.CfnFunction)
    assert isinstance(cfn_policy, iam.CfnPolicy)
    cfn_function.add_override("DependsOn", [Stack.of(function).get_logical_id(cfn_policy)])


class Functions(Construct):
    """The API's Lambda functions; each role holds only what its spec's ``needs`` list."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        data: DataStore,
        auth: Auth,
        imports: ImportSecrets,
        specs: tuple[FunctionSpec, ...] | None = None,
        extra_environment: Mapping[str, str] | None = None,
        google_client_id: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.specs = FUNCTIONS if specs is None else specs
        self._data = data
        self._auth = auth
        self._imports = imports
        self._google_client_id = google_client_id or GOOGLE_CLIENT_ID_PLACEHOLDER
        self.layer = dependencies_layer(self, "DependenciesLayer")
        code = function_code()

        # The receipts' HMAC key stays where it was first deployed: a retained key under another
        # logical id would be a new key, and the receipts already issued would no longer match.
        self.receipt_key = ReceiptKey(self, "ReceiptKey")

        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self._access: dict[str, iam.PolicyDocument] = {}
        for spec in self.specs:
            construct = Construct(self, spec.name.capitalize())
            group = bounded_log_group(construct, "LogGroup")
            # Instead of AWSLambdaBasicExecutionRole (logs:* on every group): this group only.
            statements = [
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[group.log_group_arn],
                )
            ]
            environment = {
                "POWERTOOLS_SERVICE_NAME": spec.name,
                **RUNTIME_ENVIRONMENT,
                **(extra_environment or {}),
            }
            for need in spec.needs:
                need_statements, need_environment = self._grant(need)
                statements += need_statements
                environment.update(need_environment)
            # Our statements live inline in the role; the role's DefaultPolicy then holds only
            # what CDK adds (X-Ray), so acknowledging its wildcard cannot hide one of ours.
            self._access[spec.name] = iam.PolicyDocument(statements=statements)
            role = iam.Role(
                construct,
                "Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Execution role of the {spec.name} function",
                inline_policies={"Access": self._access[spec.name]},
            )

            self.functions[spec.name] = lambda_.Function(
                construct,
                "Function",
                description=spec.description,
                runtime=RUNTIME,
                architecture=ARCHITECTURE,
                handler=spec.handler,
                code=code,
                layers=[self.layer],
                memory_size=spec.memory_mb,
                timeout=Duration.seconds(spec.timeout_s),
                role=role,
                log_group=group,
                environment=environment,
                tracing=lambda_.Tracing.ACTIVE,
            )
            self.roles[spec.name] = role
            _depend_on_policy_only(self.functions[spec.name], role)

    def grant(
        self,
        need: Need,
        statements: Sequence[iam.PolicyStatement] = (),
        environment: Mapping[str, str] | None = None,
    ) -> None:
        """Give every function that has ``need`` what exists only after the functions do: a
        workflow that invokes some of them, the API's own URL. ``environment`` may only hold
        variables that ``NEED_ENVIRONMENT`` names for ``need``."""
        environment = environment or {}
        unexpected = set(environment) - set(NEED_ENVIRONMENT[need])
        if unexpected:
            raise ValueError(f"the need {need!r} implies no {sorted(unexpected)}")
        for spec in self.specs:
            if need in spec.needs:
                self._access[spec.name].add_statements(*statements)
                for name, value in environment.items():
                    self.functions[spec.name].add_environment(name, value)

    def _grant(self, need: str) -> tuple[list[iam.PolicyStatement], dict[str, str]]:
        """The statements one ``needs`` entry requires and the env vars it implies."""
        region = Stack.of(self).region
        if need == "table":
            table = self._data.table
            table_access = iam.PolicyStatement(
                actions=TABLE_ACTIONS,
                resources=[
                    table.table_arn,
                    *(f"{table.table_arn}/index/{index.name}" for index in TABLE.indexes),
                ],
            )
            return (
                [table_access, self._key_use(f"dynamodb.{region}.amazonaws.com")],
                {ENV_TABLE_NAME: table.table_name},
            )
        if need == UPLOADS_BUCKET.key:
            bucket = self._data.buckets[UPLOADS_BUCKET.key]
            object_access = iam.PolicyStatement(actions=OBJECT_ACTIONS, resources=[bucket.arn_for_objects("*")])
            # Listing versions is how deletion finds every stored copy; only under users/.
            version_listing = iam.PolicyStatement(
                actions=["s3:ListBucketVersions"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": ["users/*"]}},
            )
            return (
                [object_access, version_listing, self._key_use(f"s3.{region}.amazonaws.com")],
                {ENV_UPLOADS_BUCKET: bucket.bucket_name},
            )
        if need in USER_POOL_ACTIONS:
            pool = self._auth.user_pool
            user_access = iam.PolicyStatement(actions=USER_POOL_ACTIONS[need], resources=[pool.user_pool_arn])
            environment = {ENV_USER_POOL_ID: pool.user_pool_id}
            if need == "user_pool":
                environment[ENV_USER_POOL_CLIENT_ID] = self._auth.client.user_pool_client_id
            return [user_access], environment
        if need == "receipt_key":
            key = self.receipt_key.key
            mac = iam.PolicyStatement(actions=["kms:GenerateMac"], resources=[key.key_arn])
            return [mac], {ENV_RECEIPT_KEY_ID: key.key_id}
        if need == "backups":
            table, bucket = self._data.table, self._data.buckets[BACKUPS_BUCKET.key]
            export = iam.PolicyStatement(actions=["dynamodb:ExportTableToPointInTime"], resources=[table.table_arn])
            write = iam.PolicyStatement(
                actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[bucket.arn_for_objects("exports/*")]
            )
            return (
                [export, write, self._key_use(f"s3.{region}.amazonaws.com")],
                {
                    ENV_TABLE_ARN: table.table_arn,
                    ENV_BACKUPS_BUCKET: bucket.bucket_name,
                    ENV_DATA_KEY_ARN: self._data.key.key_arn,
                },
            )
        if need == "import_key":
            return [self._imports.key_use()], {ENV_IMPORT_KEY_ID: self._imports.key.key_arn}
        if need in ("import_workflow", "erasure_workflow"):
            return [], {}  # the stack grants them once the workflow exists (``grant``)
        if need == "google_client":
            return [], {ENV_GOOGLE_CLIENT_ID: self._google_client_id}
        if need == "google_secret":
            secret = self._imports.google_client_secret
            read = iam.PolicyStatement(actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn])
            unseal = iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[self._imports.key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
            )
            return [read, unseal], {ENV_GOOGLE_CLIENT_SECRET_ARN: secret.secret_arn}
        raise ValueError(f"unknown need: {need!r}")

    def _key_use(self, via_service: str) -> iam.PolicyStatement:
        """Key use only through the one service that needs it, never directly."""
        return iam.PolicyStatement(
            actions=KMS_DATA_ACTIONS,
            resources=[self._data.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": via_service}},
        )
