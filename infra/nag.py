"""cdk-nag acknowledgements, each on the narrowest construct and with the reason it is safe.

Everything else AwsSolutions checks (encryption, TLS-only buckets, access logs, PITR, key
rotation, password policy, tracing) is fixed in the constructs, not acknowledged.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct

from infra.api import Api
from infra.auth import Auth
from infra.data import DataStore
from infra.erasure import ErasureWorkflow
from infra.functions import Functions
from infra.imports import ImportSecrets, ImportWorkflow
from shared.resources import (
    BACKUP_FUNCTION,
    BACKUPS_BUCKET,
    ERASURE_FUNCTION,
    RETENTION_FUNCTION,
    UPLOADS_BUCKET,
)

# (rule id, reason); documented in docs/deploy.md.
PUBLIC_ROUTE = (
    "AwsSolutions-APIG4",
    "Public by design (RouteSpec.public): registration, confirmation, login and token refresh "
    "happen before the caller has a JWT, a deletion receipt is looked up by its unguessable id, "
    "and the health probe carries no data. Every other route uses the Cognito JWT authorizer; "
    "each public route has its own bucket, tighter than the stage default (RouteSettings).",
)
RUNTIME_THE_TOOLCHAIN_RUNS = (
    "AwsSolutions-L1",
    "python3.13, not the newest Lambda runtime (python3.14): it is the newest one the build and test "
    "machines have (infra/runtime_python.py), so the suite runs on the Python that ships and the "
    "bundling writes the bytecode that runtime loads; a runtime nothing here runs would ship untested "
    "and compile itself in every cold start. Supported by Lambda, with SnapStart (3.12+).",
)
OPTIONAL_MFA = (
    "AwsSolutions-COG2",
    "MFA is offered, not required: every user can turn on TOTP (an authenticator app) through "
    "/v1/me/mfa, and login then needs its code. Requiring it would lock out every user who has "
    "no authenticator app; SMS is not offered (cost per message, SIM swapping).",
)
NO_PLUS_TIER = (
    "AwsSolutions-COG8",
    "Threat protection needs the paid Plus feature plan; at launch the pool relies on a strong "
    "password policy, prevented user-existence errors and API throttling on the auth routes.",
)
EDGE_NO_GEO_RESTRICTION = (
    "AwsSolutions-CFR1",
    "The mobile app's users travel and sell in many countries; no country is refused. Per-client "
    "limits come from the web ACL's rate-based rules (infra.edge).",
)
EDGE_NO_ACCESS_LOG = (
    "AwsSolutions-CFR3",
    "Every request CloudFront forwards is in the HTTP API's access log (ip, route, status; no "
    "bodies or tokens) and each refused one is counted in the web ACL's metrics; CloudFront "
    "standard logs would keep a second copy of every IP address and URL.",
)


GOOGLE_SECRET_ROTATION = (
    "AwsSolutions-SMG4",
    "The value is the OAuth client secret Google issues for this app. It is rotated in Google "
    "Cloud Console (which creates the new secret) and then written here with put-secret-value; "
    "a rotation Lambda cannot mint a Google client secret.",
)
WORKFLOW_LOG_DELIVERY = (
    "AwsSolutions-IAM5[Resource::*]",
    "Added by CDK for the state machine's logging and X-Ray tracing: the CloudWatch Logs "
    "delivery actions (logs:CreateLogDelivery, …) and xray:PutTraceSegments support no "
    "resource-level permissions. The role's own statement (inline Access) invokes only the "
    "three import step functions, by ARN.",
)


UPLOADS_OBJECTS_REASON = (
    "Object keys are created per user and upload at run time, so the grant covers the uploads "
    "bucket's objects (<bucket>/*) and nothing else: no bucket-level or other-bucket actions."
)


WORKFLOW_ROLE_WILDCARD = (
    "AwsSolutions-IAM5[Resource::*]",
    "Added by CDK for the state machine's X-Ray tracing and CloudWatch Logs delivery "
    "(logs:CreateLogDelivery and friends, xray:PutTraceSegments): these actions support no "
    "resource-level permissions.",
)
INVOKE_QUALIFIERS_REASON = (
    "Added by CDK's grant_invoke: <function ARN>:* covers the versions and aliases of this one "
    "function and nothing else."
)
EXPORTS_REASON = (
    "A table export writes many objects under a prefix chosen at run time; the grant covers "
    "PutObject/AbortMultipartUpload under exports/ of the backups bucket only."
)


def _arn_wildcard(construct: IConstruct, suffix: str, reason: str) -> tuple[str, str]:
    child = construct.node.default_child
    assert child is not None
    stack = Stack.of(construct)
    logical_id = stack.resolve(stack.get_logical_id(child))  # type: ignore[arg-type]
    return (f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>{suffix}]", reason)


def acknowledge_termination_findings(
    stack: Stack, *, data: DataStore, functions: Functions, erasure_workflow: ErasureWorkflow
) -> None:
    """The erasure workflow's role, the schedules' roles (created by CDK at the stack) and the
    backup export."""
    erasure_function = functions.functions[ERASURE_FUNCTION.name]
    _acknowledge(
        erasure_workflow.state_machine.role,
        WORKFLOW_ROLE_WILDCARD,
        _arn_wildcard(erasure_function, ":*", INVOKE_QUALIFIERS_REASON),
    )
    for spec in (BACKUP_FUNCTION, RETENTION_FUNCTION):
        _acknowledge(stack, _arn_wildcard(functions.functions[spec.name], ":*", INVOKE_QUALIFIERS_REASON))
    backups = data.buckets[BACKUPS_BUCKET.key]
    _acknowledge(functions.roles[BACKUP_FUNCTION.name], _arn_wildcard(backups, "/exports/*", EXPORTS_REASON))


EDGE_FUNCTION_RUNTIME = (
    "AwsSolutions-L1",
    "Lambda@Edge supports fewer runtimes than Lambda; the Retry-After function is a few lines of "
    "stdlib code on the newest Python that Lambda@Edge documents.",
)
EDGE_FUNCTION_LOGS = (
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:<AWS::AccountId>:log-group:/aws/lambda/us-east-1.*]",
    "Lambda@Edge writes its logs in whichever region ran it, to /aws/lambda/us-east-1.<name>: the "
    "region is the wildcard; the statement allows only creating and writing those log groups.",
)


def acknowledge_retry_after_findings(function: IConstruct, role: IConstruct) -> None:
    _acknowledge(function, EDGE_FUNCTION_RUNTIME)
    _acknowledge(role, EDGE_FUNCTION_LOGS)


def acknowledge_edge_findings(distribution: IConstruct) -> None:
    _acknowledge(distribution, EDGE_NO_GEO_RESTRICTION, EDGE_NO_ACCESS_LOG)


def _acknowledge(scope: IConstruct, *rules: tuple[str, str]) -> None:
    Validations.of(scope).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id, reason in rules))


def acknowledge_findings(
    stack: Stack,
    *,
    data: DataStore,
    auth: Auth,
    functions: Functions,
    api: Api,
    import_secrets: ImportSecrets,
    import_workflows: tuple[ImportWorkflow, ...],
    erasure_workflow: ErasureWorkflow,
) -> None:
    """Every acknowledgement, given the constructs they are on (the stack passes its own)."""
    for route in api.public_routes:
        _acknowledge(route, PUBLIC_ROUTE)
    for function in functions.functions.values():
        _acknowledge(function, RUNTIME_THE_TOOLCHAIN_RUNS)
    _acknowledge(auth.user_pool, OPTIONAL_MFA, NO_PLUS_TIER)
    acknowledge_termination_findings(stack, data=data, functions=functions, erasure_workflow=erasure_workflow)
    _acknowledge(import_secrets.google_client_secret, GOOGLE_SECRET_ROTATION)
    for import_workflow in import_workflows:
        _acknowledge(import_workflow.role.node.find_child("DefaultPolicy"), WORKFLOW_LOG_DELIVERY)

    uploads_objects = _arn_wildcard(data.buckets[UPLOADS_BUCKET.key], "/*", UPLOADS_OBJECTS_REASON)
    for spec in functions.specs:
        if UPLOADS_BUCKET.key in spec.needs:
            _acknowledge(functions.roles[spec.name], uploads_objects)
