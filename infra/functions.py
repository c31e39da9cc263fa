"""One Lambda function per ``FunctionSpec``, a shared dependencies layer, least-privilege roles."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, Duration, ILocalBundling, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.auth import Auth
from infra.data import DataStore
from infra.logs import bounded_log_group
from infra.termination import ErasureWorkflow, ReceiptKey, state_machine_start
from shared.resources import (
    BACKUPS_BUCKET,
    ENV_BACKUPS_BUCKET,
    ENV_DATA_KEY_ARN,
    ENV_ERASURE_STATE_MACHINE_ARN,
    ENV_GOOGLE_CLIENT_ID,
    ENV_GOOGLE_CLIENT_SECRET_ARN,
    ENV_IMPORT_KEY_ID,
    ENV_IMPORT_STATE_MACHINE_ARN,
    ENV_RECEIPT_KEY_ID,
    ENV_TABLE_ARN,
    ENV_TABLE_NAME,
    ENV_UPLOADS_BUCKET,
    ENV_USER_POOL_CLIENT_ID,
    ENV_USER_POOL_ID,
    ERASURE_FUNCTION,
    FUNCTIONS,
    RUNTIME_ENVIRONMENT,
    TABLE,
    UPLOADS_BUCKET,
    FunctionSpec,
)

if TYPE_CHECKING:
    from infra.imports import ImportSecrets

REPO_ROOT = Path(__file__).resolve().parent.parent
# Until `-c google_client_id=…` is given, the import's consent URL names no real client.
GOOGLE_CLIENT_ID_PLACEHOLDER = "set-google-client-id-at-deploy"
PYPROJECT = REPO_ROOT / "pyproject.toml"

# cdk-nag's AwsSolutions-L1 wants the newest runtime CDK knows; the layer is built for the same.
RUNTIME = lambda_.Runtime.PYTHON_3_14
ARCHITECTURE = lambda_.Architecture.ARM_64
PIP_PLATFORM = "manylinux2014_aarch64"
# Shipped by the Lambda runtime; bundling our own would only grow the layer.
PROVIDED_BY_RUNTIME = frozenset({"boto3", "botocore"})

# The function code asset is the repo root reduced to the two packages the handlers import.
CODE_PACKAGES = ("functions", "shared")
CODE_EXCLUDES = [
    "*",
    "!functions",
    "!functions/**",
    "!shared",
    "!shared/**",
    "**/__pycache__",
    "**/*.pyc",
    "**/.*",
]

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


def runtime_python_version(runtime: lambda_.Runtime = RUNTIME) -> str:
    """``python3.14`` → ``3.14``: pip must resolve wheels for the runtime, not for this venv."""
    match = re.fullmatch(r"python(\d+\.\d+)", runtime.name)
    if match is None:
        raise ValueError(f"not a Python runtime: {runtime.name}")
    return match.group(1)


def layer_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The project's runtime dependencies, minus what the Lambda runtime already provides."""
    with pyproject.open("rb") as handle:
        dependencies: list[str] = tomllib.load(handle)["project"]["dependencies"]

    def name(requirement: str) -> str:
        return re.split(r"[\s<>=!~;\[(@]", requirement, maxsplit=1)[0].lower().replace("_", "-")

    return [dep for dep in dependencies if name(dep) not in PROVIDED_BY_RUNTIME]


def pip_install_command(python: str, output_dir: str, requirements: Sequence[str], python_version: str) -> list[str]:
    return [
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # compiled below, for the runtime's Python, or not at all
        "--platform",
        PIP_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        "--target",
        str(Path(output_dir) / "python"),
        *requirements,
    ]


def compile_command(python: str, directory: str) -> list[str]:
    """Bytecode for every module, trusted without looking at the source.

    Lambda's code directories are read-only: a package without ``.pyc`` files is compiled from
    source again in every cold start (≈ +0.5 s for boto3 + Powertools + pydantic alone, measured
    by ``python -m benchmarks.cold_start --from-source``). Unchecked-hash bytecode stays valid whatever the
    zip does to file times; a deployment replaces source and bytecode together.
    """
    return [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", directory]


def compiles_for(python_version: str) -> bool:
    """Bytecode is only loaded by the Python version that wrote it (``cpython-314`` tags)."""
    return f"{sys.version_info.major}.{sys.version_info.minor}" == python_version


def compile_for_runtime(directory: Path, python_version: str, what: str) -> bool:
    """Compile ``directory`` if this interpreter is the runtime's version; say so if not."""
    if not compiles_for(python_version):
        print(
            f"warning: bundling with Python {sys.version_info.major}.{sys.version_info.minor}, not "
            f"{python_version}: {what} ships without bytecode, so each cold start compiles it "
            f"(deploy with Python {python_version} to avoid that)",
            file=sys.stderr,
        )
        return False
    subprocess.run(compile_command(sys.executable, str(directory)), check=True)  # noqa: S603 - fixed argv
    return True


@jsii.implements(ILocalBundling)
class PipLocalBundling:
    """Builds the layer with this interpreter's pip, cross-targeting Lambda; no Docker needed.

    ``--only-binary`` with an explicit platform makes pip pick the manylinux aarch64 wheels the
    runtime can load, whatever this machine's architecture is.
    """

    def __init__(self, requirements: Sequence[str], python_version: str) -> None:
        self.requirements = list(requirements)
        self.python_version = python_version

    # jsii passes the bundling options positionally.
    def try_bundle(self, output_dir: str, options: object = None) -> bool:
        command = pip_install_command(sys.executable, output_dir, self.requirements, self.python_version)
        subprocess.run(command, check=True)  # noqa: S603 - fixed argv, no shell
        compile_for_runtime(Path(output_dir) / "python", self.python_version, "the dependencies layer")
        return True


@jsii.implements(ILocalBundling)
class CodeLocalBundling:
    """The handlers' code asset: ``functions/`` and ``shared/`` without caches, plus bytecode
    for the runtime when this interpreter can write it."""

    def __init__(self, source: Path, python_version: str) -> None:
        self.source = source
        self.python_version = python_version

    def try_bundle(self, output_dir: str, options: object = None) -> bool:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        for package in CODE_PACKAGES:
            shutil.copytree(self.source / package, Path(output_dir) / package, ignore=ignore, dirs_exist_ok=True)
        compile_for_runtime(Path(output_dir), self.python_version, "the function code")
        return True


def dependencies_layer(scope: Construct, construct_id: str) -> lambda_.LayerVersion:
    requirements = layer_requirements()
    python_version = runtime_python_version()
    # Same install inside the SAM build image, used only if local bundling ever declines.
    docker_command = " ".join(
        [
            "pip install --no-compile --target /asset-output/python",
            *(shlex.quote(requirement) for requirement in requirements),
            "&&",
            shlex.join(compile_command("python", "/asset-output/python")),
        ]
    )
    # The layer changes only when its inputs do, not with every edit of pyproject.toml.
    fingerprint = "\n".join([PIP_PLATFORM, python_version, *requirements])
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description="Runtime dependencies from pyproject.toml (without boto3)",
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
        code=lambda_.Code.from_asset(
            str(REPO_ROOT),
            exclude=["*", "!pyproject.toml"],
            asset_hash_type=AssetHashType.CUSTOM,
            asset_hash=hashlib.sha256(fingerprint.encode()).hexdigest(),
            bundling=BundlingOptions(
                image=RUNTIME.bundling_image,
                command=["bash", "-c", docker_command],
                # jsii's calling convention differs from the generated Protocol (see try_bundle).
                local=cast(ILocalBundling, PipLocalBundling(requirements, python_version)),
            ),
        ),
    )


def function_code() -> lambda_.Code:
    """One code asset for every function (each runs its own handler module from it)."""
    python_version = runtime_python_version()
    docker_command = " && ".join(
        [
            "cp -r " + " ".join(f"/asset-input/{package}" for package in CODE_PACKAGES) + " /asset-output/",
            shlex.join(compile_command("python", "/asset-output")),
        ]
    )
    return lambda_.Code.from_asset(
        str(REPO_ROOT),
        exclude=CODE_EXCLUDES,
        bundling=BundlingOptions(
            image=RUNTIME.bundling_image,
            command=["bash", "-c", docker_command],
            local=cast(ILocalBundling, CodeLocalBundling(REPO_ROOT, python_version)),
        ),
    )


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

        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self._receipt_key: ReceiptKey | None = None
        self._erasure_workflow: ErasureWorkflow | None = None
        # A function that starts a workflow is built after the functions the workflow invokes.
        for spec in sorted(self.specs, key=lambda spec: "erasure_workflow" in spec.needs):
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
            role = iam.Role(
                construct,
                "Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Execution role of the {spec.name} function",
                inline_policies={"Access": iam.PolicyDocument(statements=statements)},
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
        if need == "erasure_workflow":
            state_machine = self.erasure_workflow.state_machine
            return [state_machine_start(state_machine)], {
                ENV_ERASURE_STATE_MACHINE_ARN: state_machine.state_machine_arn
            }
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
        if need == "import_workflow":
            start = iam.PolicyStatement(actions=["states:StartExecution"], resources=[self._imports.state_machine_arn])
            return [start], {ENV_IMPORT_STATE_MACHINE_ARN: self._imports.state_machine_arn}
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

    @property
    def receipt_key(self) -> ReceiptKey:
        if self._receipt_key is None:
            self._receipt_key = ReceiptKey(self, "ReceiptKey")
        return self._receipt_key

    @property
    def erasure_workflow(self) -> ErasureWorkflow:
        if self._erasure_workflow is None:
            self._erasure_workflow = ErasureWorkflow(
                self, "ErasureWorkflow", erasure_function=self.functions[ERASURE_FUNCTION.name], key=self._data.key
            )
        return self._erasure_workflow

    def _key_use(self, via_service: str) -> iam.PolicyStatement:
        """Key use only through the one service that needs it, never directly."""
        return iam.PolicyStatement(
            actions=KMS_DATA_ACTIONS,
            resources=[self._data.key.key_arn],
            conditions={"StringEquals": {"kms:ViaService": via_service}},
        )
