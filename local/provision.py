"""Every resource ``shared.resources`` describes, created in moto, and read back from it.

The same description the CDK stack reads, so the two cannot drift: ``describe()`` answers with
what moto holds (through the AWS APIs, not from memory), and a test holds it side by side with the
synthesized template (tests/infra/test_local_matches_template.py).
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from local.context import ACCOUNT_ID
from shared import resources as spec
from shared.imports import undo_workflow, workflow
from shared.privacy import Pii

# Credentials moto accepts; nothing here can reach a real account.
DUMMY_ACCESS_KEY = "local"
DUMMY_SECRET_KEY = "local"
GOOGLE_SECRET_NAME = "crm-google-oauth-client-secret"


class MotoResources:
    """The spec's table, buckets, user pool, KMS keys, secret and state machines in one moto.

    Names come from the spec; ids and ARNs that AWS assigns are filled in by ``create()``.
    """

    def __init__(self, endpoint_url: str, region: str) -> None:
        self.endpoint_url = endpoint_url
        self.region = region
        self.table_name = spec.TABLE.local_name
        self.bucket_names: dict[str, str] = {b.key: b.local_name for b in spec.BUCKETS}
        self.kms_key_id = ""
        self.kms_key_arn = ""
        self.receipt_key_id = ""
        self.import_key_id = ""
        self.google_secret_arn = ""
        self.import_state_machine_arn = ""
        self.import_undo_state_machine_arn = ""
        self.erasure_state_machine_arn = ""
        self.user_pool_id = ""
        self.client_id = ""

    def client(self, service: str) -> Any:
        """A boto3 client for moto (explicit endpoint, so it works before the env is set)."""
        return boto3.client(
            service,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=DUMMY_ACCESS_KEY,
            aws_secret_access_key=DUMMY_SECRET_KEY,
        )

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{name}"

    def invoke_arn(self, function: spec.FunctionSpec) -> str:
        """What a workflow invokes, as in AWS: a SnapStart function's alias, else the function."""
        arn = self.function_arn(function.name)
        return f"{arn}:{spec.SNAPSTART_ALIAS}" if function in spec.SNAPSTART_FUNCTIONS else arn

    def environment(self) -> dict[str, str]:
        """The resource names and ARNs, under the variable names the CDK gives the functions."""
        return {
            spec.ENV_TABLE_NAME: self.table_name,
            spec.ENV_UPLOADS_BUCKET: self.bucket_names[spec.UPLOADS_BUCKET.key],
            spec.ENV_USER_POOL_ID: self.user_pool_id,
            spec.ENV_USER_POOL_CLIENT_ID: self.client_id,
            spec.ENV_TABLE_ARN: f"arn:aws:dynamodb:{self.region}:{ACCOUNT_ID}:table/{self.table_name}",
            spec.ENV_BACKUPS_BUCKET: self.bucket_names[spec.BACKUPS_BUCKET.key],
            spec.ENV_DATA_KEY_ARN: self.kms_key_arn,
            spec.ENV_RECEIPT_KEY_ID: self.receipt_key_id,
            spec.ENV_ERASURE_STATE_MACHINE_ARN: self.erasure_state_machine_arn,
            spec.ENV_IMPORT_KEY_ID: self.import_key_id,
            spec.ENV_GOOGLE_CLIENT_SECRET_ARN: self.google_secret_arn,
            spec.ENV_IMPORT_STATE_MACHINE_ARN: self.import_state_machine_arn,
            spec.ENV_IMPORT_UNDO_STATE_MACHINE_ARN: self.import_undo_state_machine_arn,
        }

    # --- creation -----------------------------------------------------------------------------

    def create(self, google_client_secret: Pii[str]) -> None:
        """Everything, in dependency order (keys first: the table and buckets are encrypted)."""
        kms = self.client("kms")
        key = kms.create_key(
            Description="crm local customer managed key",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]
        self.kms_key_id, self.kms_key_arn = key["KeyId"], key["Arn"]
        self.receipt_key_id = kms.create_key(
            Description="crm local receipt HMAC key", KeyUsage="GENERATE_VERIFY_MAC", KeySpec="HMAC_256"
        )["KeyMetadata"]["KeyId"]
        self.create_table_like_spec(self.table_name)
        for bucket in spec.BUCKETS:
            self._create_bucket(bucket)
        self._create_user_pool()
        self._create_import_resources(google_client_secret)
        self._create_erasure_workflow()

    def _create_erasure_workflow(self) -> None:
        from shared.erasure import workflow as erasure_workflow

        self.erasure_state_machine_arn = self.client("stepfunctions").create_state_machine(
            name=erasure_workflow.STATE_MACHINE_NAME,
            definition=json.dumps(erasure_workflow.definition(self.function_arn(spec.ERASURE_FUNCTION.name))),
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/local-erasure",
            type="STANDARD",
        )["stateMachineArn"]

    def _create_import_resources(self, google_client_secret: Pii[str]) -> None:
        """The import's KMS key, the Google client secret and the workflow (same ASL as CDK)."""
        self.import_key_id = self.client("kms").create_key(
            Description="crm local import key (OAuth state, Google access token, workflow)",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]["Arn"]
        self.google_secret_arn = self.client("secretsmanager").create_secret(
            Name=GOOGLE_SECRET_NAME, SecretString=google_client_secret.reveal()
        )["ARN"]
        function_arns = {f.name: self.invoke_arn(f) for f in workflow.STEP_FUNCTIONS}
        self.import_state_machine_arn = self._create_import_machine(
            spec.IMPORT_WORKFLOW, workflow.definition(function_arns)
        )
        undo_arns = {f.name: self.invoke_arn(f) for f in undo_workflow.STEP_FUNCTIONS}
        self.import_undo_state_machine_arn = self._create_import_machine(
            spec.IMPORT_UNDO_WORKFLOW, undo_workflow.definition(undo_arns)
        )

    def _create_import_machine(self, machine: spec.WorkflowSpec, definition: dict[str, Any]) -> str:
        """A state machine configured as infra/imports.py ImportWorkflow configures it."""
        arn: str = self.client("stepfunctions").create_state_machine(
            name=machine.name,
            definition=json.dumps(definition),
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{machine.name}-role",
            type="STANDARD",
            loggingConfiguration={
                "level": machine.log_level,
                "includeExecutionData": machine.include_execution_data,
                "destinations": [
                    {
                        "cloudWatchLogsLogGroup": {
                            "logGroupArn": f"arn:aws:logs:{self.region}:{ACCOUNT_ID}:log-group:/local/{machine.name}:*"
                        }
                    }
                ],
            },
            tracingConfiguration={"enabled": machine.tracing},
            encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY", "kmsKeyId": self.import_key_id},
        )["stateMachineArn"]
        return arn

    def create_table_like_spec(self, name: str) -> None:
        """A table built from the spec (keys, indexes, TTL, PITR, KMS); also the target of a
        restore drill and of tests that need a table of a chosen size."""
        table = spec.TABLE
        dynamodb = self.client("dynamodb")
        attributes = {table.partition_key: "S", table.sort_key: "S"}
        for index in table.indexes:
            attributes |= {index.partition_key: "S", index.sort_key: "S"}
        for local in table.local_indexes:
            attributes[local.sort_key] = local.sort_key_type
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": kind} for a, kind in attributes.items()],
            KeySchema=[
                {"AttributeName": table.partition_key, "KeyType": "HASH"},
                {"AttributeName": table.sort_key, "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": index.projection},
                }
                for index in table.indexes
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": local.name,
                    "KeySchema": [
                        {"AttributeName": table.partition_key, "KeyType": "HASH"},
                        {"AttributeName": local.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": local.projection},
                }
                for local in table.local_indexes
            ],
            SSESpecification={
                "Enabled": True,
                "SSEType": "KMS",
                "KMSMasterKeyId": self.kms_key_arn,
            },
        )
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": True,
                "RecoveryPeriodInDays": table.pitr_recovery_days,
            },
        )

    def _create_bucket(self, bucket: spec.BucketSpec) -> None:
        s3 = self.client("s3")
        name = bucket.local_name
        if self.region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        if bucket.versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if bucket.kms_encrypted:
            s3.put_bucket_encryption(
                Bucket=name,
                ServerSideEncryptionConfiguration={
                    "Rules": [
                        {
                            "ApplyServerSideEncryptionByDefault": {
                                "SSEAlgorithm": "aws:kms",
                                "KMSMasterKeyID": self.kms_key_arn,
                            },
                            "BucketKeyEnabled": True,
                        }
                    ]
                },
            )
        if bucket.lifecycle:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={"Rules": [rule.to_s3() for rule in bucket.lifecycle]},
            )

    def _create_user_pool(self) -> None:
        pool = spec.USER_POOL
        cognito = self.client("cognito-idp")
        schema: list[dict[str, Any]] = [
            {"Name": name, "AttributeDataType": "String", "Required": True, "Mutable": True}
            for name in pool.required_attributes
        ]
        schema += [
            {
                "Name": attribute.name,
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MaxLength": str(attribute.max_length)},
            }
            for attribute in pool.custom_attributes
        ]
        self.user_pool_id = cognito.create_user_pool(
            PoolName=pool.local_name,
            UsernameAttributes=list(pool.username_attributes),
            AutoVerifiedAttributes=list(pool.auto_verified_attributes),
            Schema=schema,
            Policies={
                "PasswordPolicy": {
                    "MinimumLength": pool.password_min_length,
                    "RequireUppercase": pool.password_needs_every_character_class,
                    "RequireLowercase": pool.password_needs_every_character_class,
                    "RequireNumbers": pool.password_needs_every_character_class,
                    "RequireSymbols": pool.password_needs_every_character_class,
                }
            },
        )["UserPool"]["Id"]
        if pool.mfa != "OFF":
            cognito.set_user_pool_mfa_config(
                UserPoolId=self.user_pool_id,
                SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in pool.mfa_second_factors},
                MfaConfiguration=pool.mfa,
            )
        self.client_id = cognito.create_user_pool_client(
            UserPoolId=self.user_pool_id,
            ClientName=f"{pool.local_name}-app",
            GenerateSecret=False,
            ExplicitAuthFlows=list(pool.auth_flows),
            AccessTokenValidity=pool.access_token_minutes,
            IdTokenValidity=pool.id_token_minutes,
            RefreshTokenValidity=pool.refresh_token_days,
            TokenValidityUnits={
                "AccessToken": "minutes",
                "IdToken": "minutes",
                "RefreshToken": "days",
            },
        )["UserPoolClient"]["ClientId"]

    # --- read back ----------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """What moto holds for every spec resource, read back through the AWS APIs."""
        dynamodb, s3, cognito, kms = (self.client(s) for s in ("dynamodb", "s3", "cognito-idp", "kms"))
        table = dynamodb.describe_table(TableName=self.table_name)["Table"]
        pitr = dynamodb.describe_continuous_backups(TableName=self.table_name)["ContinuousBackupsDescription"][
            "PointInTimeRecoveryDescription"
        ]
        buckets: dict[str, Any] = {}
        for bucket in spec.BUCKETS:
            name = self.bucket_names[bucket.key]
            buckets[bucket.key] = {
                "name": name,
                "versioning": s3.get_bucket_versioning(Bucket=name).get("Status"),
                "encryption": s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"],
                "lifecycle": s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"],
                "public_access_block": s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"],
            }
        pool = cognito.describe_user_pool(UserPoolId=self.user_pool_id)["UserPool"]
        mfa = cognito.get_user_pool_mfa_config(UserPoolId=self.user_pool_id)
        client = cognito.describe_user_pool_client(UserPoolId=self.user_pool_id, ClientId=self.client_id)[
            "UserPoolClient"
        ]
        key = kms.describe_key(KeyId=self.kms_key_id)["KeyMetadata"]
        return {
            "import_workflow": self._describe_machine(self.import_state_machine_arn),
            "import_undo_workflow": self._describe_machine(self.import_undo_state_machine_arn),
            "kms_key": {
                "id": key["KeyId"],
                "arn": key["Arn"],
                "manager": key["KeyManager"],
                "usage": key["KeyUsage"],
                "spec": key["KeySpec"],
            },
            "table": {
                "name": table["TableName"],
                "key_schema": table["KeySchema"],
                "attribute_definitions": table["AttributeDefinitions"],
                "billing_mode": table.get("BillingModeSummary", {}).get("BillingMode"),
                "global_secondary_indexes": [
                    {
                        "name": index["IndexName"],
                        "key_schema": index["KeySchema"],
                        "projection": index["Projection"],
                    }
                    for index in table.get("GlobalSecondaryIndexes", [])
                ],
                "local_secondary_indexes": [
                    {"name": index["IndexName"], "key_schema": index["KeySchema"], "projection": index["Projection"]}
                    for index in table.get("LocalSecondaryIndexes", [])
                ],
                "sse": table.get("SSEDescription"),
                "ttl": dynamodb.describe_time_to_live(TableName=self.table_name)["TimeToLiveDescription"],
                "pitr": pitr,
            },
            "buckets": buckets,
            "user_pool": {
                "id": pool["Id"],
                "name": pool["Name"],
                "username_attributes": pool.get("UsernameAttributes", []),
                "auto_verified_attributes": pool.get("AutoVerifiedAttributes", []),
                "password_policy": pool["Policies"]["PasswordPolicy"],
                "mfa": {
                    "configuration": mfa.get("MfaConfiguration", "OFF"),
                    "enabled": [
                        name
                        for name, config in (
                            ("SMS_MFA", mfa.get("SmsMfaConfiguration")),
                            ("SOFTWARE_TOKEN_MFA", mfa.get("SoftwareTokenMfaConfiguration")),
                        )
                        if config and config.get("Enabled", True)
                    ],
                },
                "schema": pool["SchemaAttributes"],
                "client": {
                    "id": client["ClientId"],
                    "has_secret": "ClientSecret" in client,
                    "explicit_auth_flows": client.get("ExplicitAuthFlows", []),
                    "access_token_validity": client.get("AccessTokenValidity"),
                    "id_token_validity": client.get("IdTokenValidity"),
                    "refresh_token_validity": client.get("RefreshTokenValidity"),
                    "token_validity_units": client.get("TokenValidityUnits"),
                },
            },
        }

    def _describe_machine(self, arn: str) -> dict[str, Any]:
        machine = self.client("stepfunctions").describe_state_machine(stateMachineArn=arn)
        return {
            "name": machine["name"],
            "type": machine["type"],
            "definition": json.loads(machine["definition"]),
            "logging": machine.get("loggingConfiguration"),
            "tracing": machine.get("tracingConfiguration"),
            "encryption": machine.get("encryptionConfiguration"),
        }
