"""A table from each function's needs to its grants.

A need (``FunctionSpec.needs``) grants the IAM statements that ``NEED_STATEMENTS`` builds for it
and the environment variables that ``shared.resources.NEED_ENVIRONMENT`` names for it, each
holding the value ``variable_values`` gives it. A few exist only after the functions: the
workflows' ARNs (a workflow invokes functions) and the OAuth redirect URI (the API routes to
the functions). The stack grants those once they exist (``Functions.grant``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from infra.auth import Auth
from infra.data import DataStore
from infra.erasure import ReceiptKey
from infra.imports import ImportSecrets
from shared.resources import (
    BACKUPS_BUCKET,
    ENV_BACKUPS_BUCKET,
    ENV_DATA_KEY_ARN,
    ENV_ERASURE_STATE_MACHINE_ARN,
    ENV_GOOGLE_CLIENT_ID,
    ENV_GOOGLE_CLIENT_SECRET_ARN,
    ENV_IMPORT_KEY_ID,
    ENV_IMPORT_STATE_MACHINE_ARN,
    ENV_IMPORT_UNDO_STATE_MACHINE_ARN,
    ENV_OAUTH_REDIRECT_URI,
    ENV_RECEIPT_KEY_ID,
    ENV_TABLE_ARN,
    ENV_TABLE_NAME,
    ENV_UPLOADS_BUCKET,
    ENV_USER_POOL_CLIENT_ID,
    ENV_USER_POOL_ID,
    NEED_ENVIRONMENT,
    TABLE,
    UPLOADS_BUCKET,
    Need,
)

# Until `-c google_client_id=…` is given, the import's consent URL names no real client.
GOOGLE_CLIENT_ID_PLACEHOLDER = "set-google-client-id-at-deploy"
# Variables whose value exists only after the functions: the stack sets them (Functions.grant).
SET_AFTER_THE_FUNCTIONS = frozenset(
    {
        ENV_IMPORT_STATE_MACHINE_ARN,
        ENV_IMPORT_UNDO_STATE_MACHINE_ARN,
        ENV_ERASURE_STATE_MACHINE_ARN,
        ENV_OAUTH_REDIRECT_URI,
    }
)

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
    "user_pool_read": ["cognito-idp:AdminGetUser"],
    "user_pool_revoke": ["cognito-idp:AdminDisableUser", "cognito-idp:AdminUserGlobalSignOut"],
    "user_pool_erase": ["cognito-idp:AdminDeleteUser", "cognito-idp:AdminGetUser"],  # delete, then prove it gone
}


@dataclass(frozen=True)
class NeedTargets:
    """What the needs reach that exists before the functions."""

    data: DataStore
    auth: Auth
    imports: ImportSecrets
    receipt_key: ReceiptKey
    google_client_id: str | None = None

    @property
    def region(self) -> str:
        return Stack.of(self.data).region


def variable_values(targets: NeedTargets) -> dict[str, str]:
    """The value of each variable of ``NEED_ENVIRONMENT`` that exists before the functions."""
    table, pool, imports = targets.data.table, targets.auth.user_pool, targets.imports
    return {
        ENV_TABLE_NAME: table.table_name,
        ENV_UPLOADS_BUCKET: targets.data.buckets[UPLOADS_BUCKET.key].bucket_name,
        ENV_USER_POOL_ID: pool.user_pool_id,
        ENV_USER_POOL_CLIENT_ID: targets.auth.client.user_pool_client_id,
        ENV_RECEIPT_KEY_ID: targets.receipt_key.key.key_id,
        ENV_TABLE_ARN: table.table_arn,
        ENV_BACKUPS_BUCKET: targets.data.buckets[BACKUPS_BUCKET.key].bucket_name,
        ENV_DATA_KEY_ARN: targets.data.key.key_arn,
        ENV_IMPORT_KEY_ID: imports.key.key_arn,
        ENV_GOOGLE_CLIENT_ID: targets.google_client_id or GOOGLE_CLIENT_ID_PLACEHOLDER,
        ENV_GOOGLE_CLIENT_SECRET_ARN: imports.google_client_secret.secret_arn,
    }


def _data_key_use(targets: NeedTargets, service: str) -> iam.PolicyStatement:
    """Key use only through the one service that needs it, never directly."""
    return iam.PolicyStatement(
        actions=KMS_DATA_ACTIONS,
        resources=[targets.data.key.key_arn],
        conditions={"StringEquals": {"kms:ViaService": f"{service}.{targets.region}.amazonaws.com"}},
    )


def _table(targets: NeedTargets) -> list[iam.PolicyStatement]:
    table = targets.data.table
    indexes = [f"{table.table_arn}/index/{index.name}" for index in TABLE.indexes]  # named, no index/*
    access = iam.PolicyStatement(actions=TABLE_ACTIONS, resources=[table.table_arn, *indexes])
    return [access, _data_key_use(targets, "dynamodb")]


def _uploads(targets: NeedTargets) -> list[iam.PolicyStatement]:
    bucket = targets.data.buckets[UPLOADS_BUCKET.key]
    objects = iam.PolicyStatement(actions=OBJECT_ACTIONS, resources=[bucket.arn_for_objects("*")])
    # Listing versions is how deletion finds every stored copy; only under users/.
    version_listing = iam.PolicyStatement(
        actions=["s3:ListBucketVersions"],
        resources=[bucket.bucket_arn],
        conditions={"StringLike": {"s3:prefix": ["users/*"]}},
    )
    return [objects, version_listing, _data_key_use(targets, "s3")]


def _user_pool(need: str) -> Callable[[NeedTargets], list[iam.PolicyStatement]]:
    """The Cognito admin actions of one of the user-pool needs, on the pool only."""

    def statements(targets: NeedTargets) -> list[iam.PolicyStatement]:
        return [iam.PolicyStatement(actions=USER_POOL_ACTIONS[need], resources=[targets.auth.user_pool.user_pool_arn])]

    return statements


def _receipt_key(targets: NeedTargets) -> list[iam.PolicyStatement]:
    return [iam.PolicyStatement(actions=["kms:GenerateMac"], resources=[targets.receipt_key.key.key_arn])]


def _backups(targets: NeedTargets) -> list[iam.PolicyStatement]:
    table, bucket = targets.data.table, targets.data.buckets[BACKUPS_BUCKET.key]
    export = iam.PolicyStatement(actions=["dynamodb:ExportTableToPointInTime"], resources=[table.table_arn])
    write = iam.PolicyStatement(
        actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[bucket.arn_for_objects("exports/*")]
    )
    return [export, write, _data_key_use(targets, "s3")]


def _import_key(targets: NeedTargets) -> list[iam.PolicyStatement]:
    return [targets.imports.key_use()]


def _google_secret(targets: NeedTargets) -> list[iam.PolicyStatement]:
    imports = targets.imports
    read = iam.PolicyStatement(
        actions=["secretsmanager:GetSecretValue"], resources=[imports.google_client_secret.secret_arn]
    )
    # The secret is encrypted with the import key: decrypting is allowed through Secrets Manager only.
    unseal = iam.PolicyStatement(
        actions=["kms:Decrypt"],
        resources=[imports.key.key_arn],
        conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{targets.region}.amazonaws.com"}},
    )
    return [read, unseal]


def _none_yet(targets: NeedTargets) -> list[iam.PolicyStatement]:
    """Nothing before the functions exist; whatever the need grants, the stack grants later."""
    return []


NEED_STATEMENTS: dict[Need, Callable[[NeedTargets], list[iam.PolicyStatement]]] = {
    "table": _table,
    "uploads": _uploads,
    "user_pool": _user_pool("user_pool"),
    "user_pool_read": _user_pool("user_pool_read"),
    "user_pool_revoke": _user_pool("user_pool_revoke"),
    "user_pool_erase": _user_pool("user_pool_erase"),
    "receipt_key": _receipt_key,
    "backups": _backups,
    "import_key": _import_key,
    "google_client": _none_yet,  # the client id and redirect URI are configuration, not access
    "google_secret": _google_secret,
    "import_workflow": _none_yet,  # StartExecution once the workflow exists
    "import_undo_workflow": _none_yet,  # StartExecution once the workflow exists
    "erasure_workflow": _none_yet,  # StartExecution once the workflow exists
}


def need_statements(needs: Iterable[Need], targets: NeedTargets) -> list[iam.PolicyStatement]:
    """The statements of ``needs``, in their order."""
    return [statement for need in needs for statement in NEED_STATEMENTS[need](targets)]


def need_environment(needs: Iterable[Need], values: Mapping[str, str]) -> dict[str, str]:
    """The variables ``NEED_ENVIRONMENT`` names for ``needs``, but those set after the functions."""
    names = [name for need in needs for name in NEED_ENVIRONMENT[need] if name not in SET_AFTER_THE_FUNCTIONS]
    missing = [name for name in names if name not in values]
    if missing:
        raise ValueError(f"no value for {missing}: add it to variable_values or SET_AFTER_THE_FUNCTIONS")
    return {name: values[name] for name in names}


def start_execution(state_machine_arn: str) -> iam.PolicyStatement:
    """Start executions of one state machine; reading or stopping them is not needed."""
    return iam.PolicyStatement(actions=["states:StartExecution"], resources=[state_machine_arn])
