"""cdk-nag acknowledgements, each on the narrowest construct and with the reason it is safe.

Everything else AwsSolutions checks (encryption, TLS-only buckets, access logs, PITR, key
rotation, password policy, tracing, latest runtime) is fixed in the constructs, not acknowledged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct

from shared.resources import UPLOADS_BUCKET

if TYPE_CHECKING:
    from infra.stack import CrmStack

# (rule id, reason); documented in docs/deploy.md.
PUBLIC_ROUTE = (
    "AwsSolutions-APIG4",
    "Public by design (RouteSpec.public): registration, confirmation, login and token refresh "
    "happen before the caller has a JWT, and the health probe carries no data. Every other "
    "route uses the Cognito JWT authorizer; the stage throttles all routes.",
)
XRAY_WILDCARD = (
    "AwsSolutions-IAM5[Resource::*]",
    "Added by CDK for active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords "
    "support no resource-level permissions. Every data statement names its resource.",
)
NO_MFA = (
    "AwsSolutions-COG2",
    "The mobile app signs in with email and password (USER_PASSWORD_AUTH) and has no MFA "
    "enrolment flow; required MFA would lock every user out. Revisit with the app team.",
)
NO_PLUS_TIER = (
    "AwsSolutions-COG8",
    "Threat protection needs the paid Plus feature plan; at launch the pool relies on a strong "
    "password policy, prevented user-existence errors and API throttling on the auth routes.",
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


def _acknowledge(scope: IConstruct, *rules: tuple[str, str]) -> None:
    Validations.of(scope).acknowledge(*(Acknowledgment(id=rule_id, reason=reason) for rule_id, reason in rules))


def acknowledge_findings(stack: CrmStack) -> None:
    for route in stack.api.public_routes:
        _acknowledge(route, PUBLIC_ROUTE)
    for role in stack.functions.roles.values():
        policy = role.node.find_child("DefaultPolicy")
        _acknowledge(policy, XRAY_WILDCARD)
    _acknowledge(stack.auth.user_pool, NO_MFA, NO_PLUS_TIER)
    _acknowledge(stack.import_secrets.google_client_secret, GOOGLE_SECRET_ROTATION)
    _acknowledge(stack.import_workflow.role.node.find_child("DefaultPolicy"), WORKFLOW_LOG_DELIVERY)

    uploads = stack.data.buckets[UPLOADS_BUCKET.key].node.default_child
    assert uploads is not None
    uploads_id = stack.resolve(stack.get_logical_id(uploads))  # type: ignore[arg-type]
    uploads_objects = (f"AwsSolutions-IAM5[Resource::<{uploads_id}.Arn>/*]", UPLOADS_OBJECTS_REASON)
    for spec in stack.functions.specs:
        if UPLOADS_BUCKET.key in spec.needs:
            _acknowledge(stack.functions.roles[spec.name], uploads_objects)
