"""The whole backend on one machine: moto as AWS, the Lambda edge, the HTTP API gateway.

Resources are created from ``shared.resources`` only — the same description the CDK stack reads —
and ``describe()`` reads them back from moto so a test can hold the two side by side. Handlers
find everything through ordinary boto3 configuration (``AWS_ENDPOINT_URL`` and friends), so no
code outside ``local/`` knows it is not in AWS.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import boto3
from moto.core.config import default_user_config
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from local.context import ACCOUNT_ID, FunctionRegistry
from local.fake_google import DEMO_ROWS, DEMO_SPREADSHEET_ID, FakeGoogle
from local.gateway import THROTTLE_ENV, Gateway, HandlerResolver, Throttle
from local.lambda_edge import LambdaEdge
from shared import resources as spec
from shared.core import aws
from shared.core.settings import load_settings
from shared.imports import workflow

LOG = logging.getLogger("local_aws.stack")

DUMMY_ACCESS_KEY = "local"
DUMMY_SECRET_KEY = "local"
DEFAULT_PHONE_REGION = "IN"
OAUTH_CALLBACK_PATH = "/v1/oauth/google/callback"
GOOGLE_SECRET_NAME = "crm-google-oauth-client-secret"

_RUNNING_LOCK = threading.Lock()
_running: LocalStack | None = None


def _http_json(method: str, url: str, payload: Mapping[str, Any] | None = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own URL
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = response.read()
    return json.loads(body) if body else None


class _DetailsWithheld(logging.Filter):
    """Reduce a moto/werkzeug record to its origin and level.

    Their messages quote requests (werkzeug: the request line, i.e. S3 keys that are file names;
    moto's Step Functions interpreter: task inputs and failure causes), so none of that text
    may reach a log. Only warnings and errors get here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        suffix = f" {type(error).__name__}" if error is not None else ""
        record.msg = f"{record.levelname.lower()} in {record.name}{suffix} (details withheld)"
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


_EMULATOR_LOGGERS = ("moto", "werkzeug")


class _CurrentStderr(logging.StreamHandler[Any]):
    """Writes to whatever ``sys.stderr`` is now (test capture swaps it), not the one at start."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        return


def _withhold_emulator_logs() -> dict[str, tuple[int, bool, logging.Handler]]:
    """Route moto's and werkzeug's records through one redacting handler; returns what to undo."""
    saved: dict[str, tuple[int, bool, logging.Handler]] = {}
    for name in _EMULATOR_LOGGERS:
        logger = logging.getLogger(name)
        handler = _CurrentStderr()
        handler.setLevel(logging.WARNING)
        handler.addFilter(_DetailsWithheld())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        saved[name] = (logger.level, logger.propagate, handler)
        logger.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False
    return saved


def _restore_emulator_logs(saved: dict[str, tuple[int, bool, logging.Handler]]) -> None:
    for name, (level, propagate, handler) in saved.items():
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _no_proxy(current: str | None) -> str:
    hosts = [h for h in (current or "").split(",") if h.strip()]
    return ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))


class LocalStack:
    """moto + Lambda edge + gateway, with every spec resource created; a context manager.

    moto keeps its state in module-level backends, so one process holds one stack at a time:
    ``start()`` refuses a second, and ``stop()`` resets moto so the next stack starts empty.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        *,
        registry: FunctionRegistry | None = None,
        resolver: HandlerResolver | None = None,
        throttle: str | None = None,
    ) -> None:
        """``throttle``: the gateway's route limits (see ``Throttle.from_setting``); by default
        the ``LOCAL_THROTTLE`` environment variable, else the spec's limits x100."""
        self.throttle = Throttle.from_setting(throttle if throttle is not None else os.environ.get(THROTTLE_ENV))
        self.host = host
        self.port = port
        self.region = region
        self.registry = registry if registry is not None else FunctionRegistry()
        self._resolver = resolver
        self._moto: ThreadedMotoServer | None = None
        self.edge: LambdaEdge | None = None
        self.gateway: Gateway | None = None
        self.google: FakeGoogle | None = None
        self.import_key_id = ""
        self.google_secret_arn = ""
        self.import_state_machine_arn = ""
        self._saved_env: dict[str, str | None] = {}
        self._saved_sfn_config: dict[str, Any] | None = None
        self._saved_logging: dict[str, tuple[int, bool, logging.Handler]] = {}
        self.moto_url = ""
        self.user_pool_id = ""
        self.client_id = ""
        self.kms_key_id = ""
        self.kms_key_arn = ""
        self.receipt_key_id = ""
        self.erasure_state_machine_arn = ""
        self.table_name = spec.TABLE.local_name
        self.bucket_names: dict[str, str] = {b.key: b.local_name for b in spec.BUCKETS}
        self.startup_seconds = 0.0

    # --- URLs ---------------------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        if self.gateway is None:
            raise RuntimeError("stack not started")
        return self.gateway.url

    @property
    def edge_url(self) -> str:
        if self.edge is None:
            raise RuntimeError("stack not started")
        return self.edge.url

    @property
    def google_url(self) -> str:
        if self.google is None:
            raise RuntimeError("stack not started")
        return self.google.url

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.moto_url}/{self.user_pool_id}/.well-known/jwks.json"

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> LocalStack:
        global _running
        with _RUNNING_LOCK:
            if _running is not None:
                raise RuntimeError("a LocalStack is already running in this process")
            _running = self
        started = time.perf_counter()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def _start(self) -> None:
        self._saved_logging = _withhold_emulator_logs()
        self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"

        self._saved_sfn_config = dict(default_user_config.get("stepfunctions", {}))
        _http_json(
            "POST",
            f"{self.moto_url}/moto-api/config",
            {"stepfunctions": {"execute_state_machine": True}},
        )

        self.edge = LambdaEdge(self.moto_url, self.registry, host="127.0.0.1", region=self.region)
        self.edge.start()
        self.google = FakeGoogle(host="127.0.0.1")
        self.google.load_sheet(DEMO_SPREADSHEET_ID, DEMO_ROWS, title="Leads")
        self.google.start()
        self._set_env(self._base_env())
        self._create_resources()
        self._set_env(self._resource_env())

        self.gateway = Gateway(
            jwks_url=self.jwks_url,
            issuer=self.issuer,
            client_ids=[self.client_id],
            region=self.region,
            host=self.host,
            port=self.port,
            registry=self.registry,
            resolver=self._resolver,
            throttle=self.throttle,
        )
        # Google redirects the browser to the gateway's public callback route.
        self._set_env({spec.ENV_OAUTH_REDIRECT_URI: f"{self.gateway.url}{OAUTH_CALLBACK_PATH}"})
        # The process now has a deployed function's environment: settings and clients read it
        # afresh, as a new execution environment would (a module imported earlier saw another).
        load_settings()
        aws.reset_clients()
        self.gateway.start()

    def stop(self) -> None:
        """Stop servers (threads joined, ports closed), reset moto, restore the environment."""
        global _running
        for server in (self.gateway, self.edge, self.google):
            if server is not None:
                server.stop()
        self.gateway = self.edge = None
        self.google = None
        if self._moto is not None:
            try:
                _http_json("POST", f"{self.moto_url}/moto-api/reset")
            except OSError as error:  # stopping must finish; the next start() would notice
                LOG.warning("moto reset failed: %s", type(error).__name__)
            if self._saved_sfn_config is not None:
                default_user_config["stepfunctions"] = self._saved_sfn_config  # type: ignore[typeddict-item]
            self._moto.stop()
            server = getattr(self._moto, "_server", None)
            if server is not None:
                server.server_close()  # ThreadedMotoServer.stop() leaves the socket open
            self._moto = None
        _restore_emulator_logs(self._saved_logging)
        self._saved_logging = {}
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        with _RUNNING_LOCK:
            if _running is self:
                _running = None

    # --- environment --------------------------------------------------------------------------

    def _set_env(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            if name not in self._saved_env:
                self._saved_env[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _base_env(self) -> dict[str, str | None]:
        assert self.edge is not None
        return {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ENDPOINT_URL_LAMBDA": self.edge.url,
            # moto's Step Functions interpreter calls http://localhost:{MOTO_PORT} for every
            # service; the edge answers Lambda Invoke itself and relays the rest to moto.
            "MOTO_PORT": str(self.edge.port),
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
            "AWS_SESSION_TOKEN": None,
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            # Everything here is on loopback; a developer's HTTP(S)_PROXY must not capture it.
            "NO_PROXY": _no_proxy(os.environ.get("NO_PROXY")),
            "no_proxy": _no_proxy(os.environ.get("no_proxy")),
            "POWERTOOLS_SERVICE_NAME": "local",
            "POWERTOOLS_METRICS_NAMESPACE": spec.METRICS_NAMESPACE,
            spec.ENV_DEFAULT_PHONE_REGION: DEFAULT_PHONE_REGION,
            # Google is local/fake_google.py over plain http, which oauthlib refuses unless told:
            # set here (local and test processes) only, never in any Lambda configuration.
            "OAUTHLIB_INSECURE_TRANSPORT": "1",
            spec.ENV_GOOGLE_AUTH_URI: f"{self.google_url}/o/oauth2/auth",
            spec.ENV_GOOGLE_TOKEN_URI: f"{self.google_url}/token",
            spec.ENV_GOOGLE_SHEETS_URL: self.google_url,
            spec.ENV_GOOGLE_CLIENT_ID: FakeGoogle.client_id,
            spec.ENV_GOOGLE_RETRY_BASE_MS: "20",  # backoff against the fake: milliseconds, not seconds
        }

    def client_env(self) -> dict[str, str]:
        """What an operator command needs to reach this stack (written to .build/local.env by
        ``make run``): the AWS endpoint and the resource names, as a deployment's env would."""
        values = {**self._base_env(), **self._resource_env()}
        keep = {"AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
        return {k: v for k, v in values.items() if v is not None and (k in keep or k in self._resource_env())}

    def _resource_env(self) -> dict[str, str | None]:
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
        }

    # --- resources ----------------------------------------------------------------------------

    def client(self, service: str) -> Any:
        """A boto3 client for moto (explicit endpoint, so it works before the env is set)."""
        return boto3.client(
            service,
            endpoint_url=self.moto_url,
            region_name=self.region,
            aws_access_key_id=DUMMY_ACCESS_KEY,
            aws_secret_access_key=DUMMY_SECRET_KEY,
        )

    def _create_resources(self) -> None:
        key = self.client("kms").create_key(
            Description="crm local customer managed key",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]
        self.kms_key_id, self.kms_key_arn = key["KeyId"], key["Arn"]
        self.receipt_key_id = self.client("kms").create_key(
            Description="crm local receipt HMAC key", KeyUsage="GENERATE_VERIFY_MAC", KeySpec="HMAC_256"
        )["KeyMetadata"]["KeyId"]
        self._create_table()
        for bucket in spec.BUCKETS:
            self._create_bucket(bucket)
        self._create_user_pool()
        self._create_import_resources()
        self._create_erasure_workflow()

    def function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{name}"

    def _create_erasure_workflow(self) -> None:
        from shared.erasure import workflow as erasure_workflow

        self.erasure_state_machine_arn = self.client("stepfunctions").create_state_machine(
            name=erasure_workflow.STATE_MACHINE_NAME,
            definition=json.dumps(erasure_workflow.definition(self.function_arn(spec.ERASURE_FUNCTION.name))),
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/local-erasure",
            type="STANDARD",
        )["stateMachineArn"]

    def _create_import_resources(self) -> None:
        """The import's KMS key, the Google client secret and the workflow (same ASL as CDK)."""
        self.import_key_id = self.client("kms").create_key(
            Description="crm local import key (OAuth state, Google access token, workflow)",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
        )["KeyMetadata"]["Arn"]
        self.google_secret_arn = self.client("secretsmanager").create_secret(
            Name=GOOGLE_SECRET_NAME, SecretString=FakeGoogle.client_secret
        )["ARN"]
        function_arns = {f.name: self.function_arn(f.name) for f in workflow.STEP_FUNCTIONS}
        machine = spec.IMPORT_WORKFLOW
        self.import_state_machine_arn = self.client("stepfunctions").create_state_machine(
            name=machine.name,
            definition=json.dumps(workflow.definition(function_arns)),
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

    def _create_table(self) -> None:
        self.create_table_like_spec(self.table_name)

    def create_table_like_spec(self, name: str) -> None:
        """A table built from the spec (keys, indexes, TTL, PITR, KMS); also the target of a
        restore drill and of tests that need a table of a chosen size."""
        table = spec.TABLE
        dynamodb = self.client("dynamodb")
        attributes = [table.partition_key, table.sort_key]
        for index in table.indexes:
            attributes += [index.partition_key, index.sort_key]
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in dict.fromkeys(attributes)],
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
        client = cognito.describe_user_pool_client(UserPoolId=self.user_pool_id, ClientId=self.client_id)[
            "UserPoolClient"
        ]
        key = kms.describe_key(KeyId=self.kms_key_id)["KeyMetadata"]
        machine = self.client("stepfunctions").describe_state_machine(stateMachineArn=self.import_state_machine_arn)
        return {
            "import_workflow": {
                "name": machine["name"],
                "type": machine["type"],
                "definition": json.loads(machine["definition"]),
                "logging": machine.get("loggingConfiguration"),
                "tracing": machine.get("tracingConfiguration"),
                "encryption": machine.get("encryptionConfiguration"),
            },
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


def running() -> LocalStack | None:
    """The stack started in this process, if any."""
    return _running
