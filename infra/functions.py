"""The functions: one per ``FunctionSpec``, each with its own log group and a role that holds
only what its ``needs`` grant (``infra.grants``); SnapStart on published versions behind an alias
for ``SNAPSTART_FUNCTIONS``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Annotations, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.auth import Auth
from infra.data import DataStore
from infra.depends_on import wait_for_policy_only
from infra.erasure import ReceiptKey
from infra.grants import NeedTargets, need_environment, need_statements, variable_values
from infra.imports import ImportSecrets
from infra.logs import bounded_log_group
from infra.packaging import ARCHITECTURE, RUNTIME, dependencies_layer, function_code
from shared.resources import (
    FUNCTIONS,
    NEED_ENVIRONMENT,
    RUNTIME_ENVIRONMENT,
    SNAPSTART_ALIAS,
    SNAPSTART_FUNCTIONS,
    FunctionSpec,
    Need,
)


class Functions(Construct):
    """Every Lambda function of the backend; each role holds only what its spec's ``needs`` list."""

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
        self.layer = dependencies_layer(self, "DependenciesLayer")
        code = function_code()

        # The receipts' HMAC key stays where it was first deployed: a retained key under another
        # logical id would be a new key, and the receipts already issued would no longer match.
        self.receipt_key = ReceiptKey(self, "ReceiptKey")
        targets = NeedTargets(
            data=data, auth=auth, imports=imports, receipt_key=self.receipt_key, google_client_id=google_client_id
        )
        values = variable_values(targets)

        self.functions: dict[str, lambda_.Function] = {}
        # What callers invoke: the SnapStart alias where there is one, else the function itself.
        self.invoke_targets: dict[str, lambda_.IFunction] = {}
        self.aliases: dict[str, lambda_.Alias] = {}
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
                ),
                *need_statements(spec.needs, targets),
            ]
            environment = {
                "POWERTOOLS_SERVICE_NAME": spec.name,
                **RUNTIME_ENVIRONMENT,
                **(extra_environment or {}),
                **need_environment(spec.needs, values),
            }
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

            snap_start = spec in SNAPSTART_FUNCTIONS
            function = self.functions[spec.name] = lambda_.Function(
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
                # No X-Ray (docs/cost.md#tracing): no Tracer is used, so traces would hold only
                # Lambda's own segments, at $5 per million recorded; checkov CKV_AWS_50 skipped.
                tracing=lambda_.Tracing.DISABLED,
                snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS if snap_start else None,
                # A deployment publishes a new version and deletes the one it replaces, so only
                # the live version's snapshot stays cached (and charged).
                current_version_options=lambda_.VersionOptions(removal_policy=RemovalPolicy.DESTROY),
            )
            self.roles[spec.name] = role
            wait_for_policy_only(function, role)
            self.invoke_targets[spec.name] = function
            if snap_start:
                self.aliases[spec.name] = lambda_.Alias(
                    construct, "Alias", alias_name=SNAPSTART_ALIAS, version=function.current_version
                )
                self.invoke_targets[spec.name] = self.aliases[spec.name]
                # CDK warns on every SnapStart function; this one is published and invoked so.
                Annotations.of(function).acknowledge_warning(
                    "@aws-cdk/aws-lambda:snapStartRequirePublish",
                    f"published: current_version, invoked through the {SNAPSTART_ALIAS!r} alias",
                )

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
