"""The synthesized production template keeps the promises made in shared.resources and the policy.

Expected values come from ``shared.resources``; the bounds the privacy policy sets (90 days) and
the ones AWS sets (35 days of PITR) are written here on purpose, independent of the spec, so that a
change of the spec that breaks them fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from constructs import IConstruct

from infra.stack import CrmStack
from infra.synth import EXAMPLE_SES_SENDER as TEST_SES_SENDER
from shared.imports.workflow import STEP_FUNCTIONS
from shared.resources import (
    API_FUNCTIONS,
    BACKUP_FUNCTION,
    BACKUPS_BUCKET,
    BUCKETS,
    ENV_BACKUPS_BUCKET,
    ENV_DATA_KEY_ARN,
    ENV_ERASURE_STATE_MACHINE_ARN,
    ENV_GOOGLE_CLIENT_ID,
    ENV_GOOGLE_CLIENT_SECRET_ARN,
    ENV_IMPORT_KEY_ID,
    ENV_IMPORT_STATE_MACHINE_ARN,
    ENV_IMPORT_UNDO_STATE_MACHINE_ARN,
    ENV_RECEIPT_KEY_ID,
    ENV_TABLE_ARN,
    ENV_TABLE_NAME,
    ENV_UPLOADS_BUCKET,
    ENV_USER_POOL_CLIENT_ID,
    ENV_USER_POOL_ID,
    FUNCTIONS,
    LOG_RETENTION_DAYS,
    METRICS_NAMESPACE,
    PUBLIC_ROUTE_THROTTLE,
    RETENTION_FUNCTION,
    SNAPSTART_ALIAS,
    SNAPSTART_FUNCTIONS,
    STAGE_THROTTLE,
    TABLE,
    USER_POOL,
    BucketSpec,
    FunctionSpec,
    RouteSpec,
    all_routes,
)

pytestmark = pytest.mark.infra

POLICY_MAX_DAYS = 90  # privacy policy: backups and logs (IP addresses) within 90 days
PITR_MAX_DAYS = 35  # the most DynamoDB point-in-time recovery allows
MINUTES_PER_UNIT = {"minutes": 1, "hours": 60, "days": 24 * 60}
NEED_ENV = {
    "table": {ENV_TABLE_NAME},
    "uploads": {ENV_UPLOADS_BUCKET},
    "user_pool": {ENV_USER_POOL_ID, ENV_USER_POOL_CLIENT_ID},
    "user_pool_read": {ENV_USER_POOL_ID},
    "user_pool_revoke": {ENV_USER_POOL_ID},
    "user_pool_erase": {ENV_USER_POOL_ID},
    "receipt_key": {ENV_RECEIPT_KEY_ID},
    "erasure_workflow": {ENV_ERASURE_STATE_MACHINE_ARN},
    "backups": {ENV_TABLE_ARN, ENV_BACKUPS_BUCKET, ENV_DATA_KEY_ARN},
    "import_key": {ENV_IMPORT_KEY_ID},
    "import_workflow": {ENV_IMPORT_STATE_MACHINE_ARN},
    "import_undo_workflow": {ENV_IMPORT_UNDO_STATE_MACHINE_ARN},
    "google_client": {ENV_GOOGLE_CLIENT_ID},
    "google_secret": {ENV_GOOGLE_CLIENT_SECRET_ARN},
}
NEED_ACTION_PREFIXES = {
    "table": {"dynamodb", "kms"},
    "uploads": {"s3", "kms"},
    "user_pool": {"cognito-idp"},
    "user_pool_read": {"cognito-idp"},
    "user_pool_revoke": {"cognito-idp"},
    "user_pool_erase": {"cognito-idp"},
    "receipt_key": {"kms"},
    "erasure_workflow": {"states"},
    "backups": {"dynamodb", "s3", "kms"},
    "import_key": {"kms"},
    "import_workflow": {"states"},
    "import_undo_workflow": {"states"},
    "google_client": set(),
    "google_secret": {"secretsmanager"},
}
ALWAYS_ALLOWED_PREFIXES = {"logs"}


# --- helpers -----------------------------------------------------------------------------------


def resources(template_json: dict[str, Any], cfn_type: str) -> dict[str, dict[str, Any]]:
    return {
        logical_id: resource
        for logical_id, resource in template_json["Resources"].items()
        if resource["Type"] == cfn_type
    }


def logical_id(stack: CrmStack, construct: IConstruct) -> str:
    """The template's logical id of an L2 construct's CloudFormation resource."""
    child = construct.node.default_child
    assert child is not None
    resolved = stack.resolve(stack.get_logical_id(child))  # type: ignore[arg-type]
    assert isinstance(resolved, str)
    return resolved


def properties(template_json: dict[str, Any], stack: CrmStack, construct: IConstruct) -> Any:
    return template_json["Resources"][logical_id(stack, construct)]["Properties"]


def cfn_lifecycle_rule(s3_rule: dict[str, Any]) -> dict[str, Any]:
    """S3 API shape (``LifecycleRuleSpec.to_s3``) → the CloudFormation shape of the same rule."""
    assert s3_rule["Filter"] == {"Prefix": ""}  # the whole bucket, which CloudFormation omits
    rule: dict[str, Any] = {"Id": s3_rule["ID"], "Status": s3_rule["Status"]}
    expiration = s3_rule.get("Expiration", {})
    if "Days" in expiration:
        rule["ExpirationInDays"] = expiration["Days"]
    if expiration.get("ExpiredObjectDeleteMarker"):
        rule["ExpiredObjectDeleteMarker"] = True
    for key in ("NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload"):
        if key in s3_rule:
            rule[key] = s3_rule[key]
    return rule


def policy_statements(template_json: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for resource in template_json["Resources"].values():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
        elif resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                statements += policy["PolicyDocument"]["Statement"]
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(template_json: dict[str, Any], role_logical_id: str) -> list[dict[str, Any]]:
    """Inline and attached statements of one role."""
    role = template_json["Resources"][role_logical_id]["Properties"]
    statements = [
        statement for policy in role.get("Policies", []) for statement in policy["PolicyDocument"]["Statement"]
    ]
    for resource in resources(template_json, "AWS::IAM::Policy").values():
        if {"Ref": role_logical_id} in resource["Properties"]["Roles"]:
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    return statements


# --- S3 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", BUCKETS, ids=lambda spec: spec.key)
def test_lifecycle_rules_equal_spec(template_json: dict[str, Any], crm_stack: CrmStack, spec: BucketSpec) -> None:
    bucket = properties(template_json, crm_stack, crm_stack.data.buckets[spec.key])
    expected = [cfn_lifecycle_rule(rule.to_s3()) for rule in spec.lifecycle]
    assert bucket["LifecycleConfiguration"]["Rules"] == expected


def test_backups_are_gone_within_the_policy_period(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    bucket = properties(template_json, crm_stack, crm_stack.data.buckets[BACKUPS_BUCKET.key])
    rules = bucket["LifecycleConfiguration"]["Rules"]
    assert any("ExpirationInDays" in rule for rule in rules), "current backups never expire"
    if bucket.get("VersioningConfiguration", {}).get("Status") == "Enabled":
        assert any("NoncurrentVersionExpiration" in rule for rule in rules)
    for rule in rules:
        lifetime = rule.get("ExpirationInDays", 0) + rule.get("NoncurrentVersionExpiration", {}).get(
            "NoncurrentDays", 0
        )
        assert lifetime <= POLICY_MAX_DAYS, rule
        abort = rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation", 0)
        assert abort <= POLICY_MAX_DAYS, rule


@pytest.mark.parametrize("spec", BUCKETS, ids=lambda spec: spec.key)
def test_buckets_encrypted_private_tls_only_and_logged(
    template_json: dict[str, Any], crm_stack: CrmStack, spec: BucketSpec
) -> None:
    bucket_id = logical_id(crm_stack, crm_stack.data.buckets[spec.key])
    bucket = template_json["Resources"][bucket_id]["Properties"]

    (encryption,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    if spec.kms_encrypted:
        key_id = logical_id(crm_stack, crm_stack.data.key)
        assert encryption["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
        }
        assert encryption["BucketKeyEnabled"] is True
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    versioning = bucket.get("VersioningConfiguration", {}).get("Status")
    assert (versioning == "Enabled") is spec.versioned

    (policy,) = [
        p["Properties"]["PolicyDocument"]
        for p in resources(template_json, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    assert any(
        statement["Effect"] == "Deny"
        and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and statement["Principal"] == {"AWS": "*"}
        for statement in policy["Statement"]
    )

    access_logs_id = logical_id(crm_stack, crm_stack.data.access_logs)
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": access_logs_id}


def test_access_logs_expire_within_the_policy_period(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    bucket = properties(template_json, crm_stack, crm_stack.data.access_logs)
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert "Prefix" not in rule  # every object, not some
    assert "Filter" not in rule
    assert rule["ExpirationInDays"] == LOG_RETENTION_DAYS <= POLICY_MAX_DAYS
    assert "VersioningConfiguration" not in bucket  # expiration must really delete


# --- KMS and DynamoDB --------------------------------------------------------------------------


def test_key_rotates(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    assert properties(template_json, crm_stack, crm_stack.data.key)["EnableKeyRotation"] is True


def test_table_matches_spec(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    table = properties(template_json, crm_stack, crm_stack.data.table)
    key_id = logical_id(crm_stack, crm_stack.data.key)

    pitr = table["PointInTimeRecoverySpecification"]
    assert pitr["PointInTimeRecoveryEnabled"] is True
    assert pitr["RecoveryPeriodInDays"] == TABLE.pitr_recovery_days <= PITR_MAX_DAYS
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": TABLE.ttl_attribute,
        "Enabled": True,
    }
    assert table["SSESpecification"] == {
        "SSEEnabled": True,
        "SSEType": "KMS",
        "KMSMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
    }
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["DeletionProtectionEnabled"] is True

    assert table["KeySchema"] == [
        {"AttributeName": TABLE.partition_key, "KeyType": "HASH"},
        {"AttributeName": TABLE.sort_key, "KeyType": "RANGE"},
    ]
    assert table["GlobalSecondaryIndexes"] == [
        {
            "IndexName": index.name,
            "KeySchema": [
                {"AttributeName": index.partition_key, "KeyType": "HASH"},
                {"AttributeName": index.sort_key, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": index.projection},
        }
        for index in TABLE.indexes
    ]
    assert table["LocalSecondaryIndexes"] == [
        {
            "IndexName": local.name,
            "KeySchema": [
                {"AttributeName": TABLE.partition_key, "KeyType": "HASH"},
                {"AttributeName": local.sort_key, "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": local.projection},
        }
        for local in TABLE.local_indexes
    ]
    key_types = {TABLE.partition_key: "S", TABLE.sort_key: "S"}
    for index in TABLE.indexes:
        key_types |= {index.partition_key: "S", index.sort_key: "S"}
    key_types |= {local.sort_key: local.sort_key_type for local in TABLE.local_indexes}
    assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == key_types


# --- API ---------------------------------------------------------------------------------------


def test_routes_equal_spec_and_only_public_ones_skip_the_authorizer(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    routes = {
        route["Properties"]["RouteKey"]: route["Properties"]
        for route in resources(template_json, "AWS::ApiGatewayV2::Route").values()
    }
    expected = {route.route_key: (function, route) for function, route in all_routes()}
    assert set(routes) == set(expected)
    assert len(routes) == len(resources(template_json, "AWS::ApiGatewayV2::Route"))

    integrations = resources(template_json, "AWS::ApiGatewayV2::Integration")
    (authorizer_id,) = resources(template_json, "AWS::ApiGatewayV2::Authorizer")
    for route_key, (function, route) in expected.items():
        cfn_route = routes[route_key]
        if route.public:
            assert cfn_route["AuthorizationType"] == "NONE", route_key
            assert "AuthorizerId" not in cfn_route, route_key
        else:
            assert cfn_route["AuthorizationType"] == "JWT", route_key
            assert cfn_route["AuthorizerId"] == {"Ref": authorizer_id}, route_key
        # ... and the route reaches the function the spec names.
        _, (prefix, integration_ref) = cfn_route["Target"]["Fn::Join"]
        assert prefix == "integrations/"
        uri = integrations[integration_ref["Ref"]]["Properties"]["IntegrationUri"]
        # ... through its SnapStart alias: SnapStart never applies to $LATEST.
        alias_id = logical_id(crm_stack, crm_stack.functions.aliases[function.name])
        assert uri == {"Ref": alias_id}, route_key
    permissions = resources(template_json, "AWS::Lambda::Permission").values()
    api_invokes = [p["Properties"] for p in permissions if p["Properties"]["Principal"] == "apigateway.amazonaws.com"]
    assert {p["FunctionName"]["Ref"] for p in api_invokes} == {
        logical_id(crm_stack, crm_stack.functions.aliases[spec.name]) for spec in API_FUNCTIONS
    }


def test_only_access_tokens_pass_the_authorizer_on_private_routes(template_json: dict[str, Any]) -> None:
    """API Gateway checks a route's authorization scopes against the token's ``scope`` claim:
    Cognito's access tokens carry aws.cognito.signin.user.admin, its ID tokens no scope at all."""
    for route in resources(template_json, "AWS::ApiGatewayV2::Route").values():
        props = route["Properties"]
        if props["AuthorizationType"] == "JWT":
            assert props["AuthorizationScopes"] == ["aws.cognito.signin.user.admin"], props["RouteKey"]
        else:
            assert "AuthorizationScopes" not in props, props["RouteKey"]


def test_authorizer_accepts_only_the_app_client(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    (authorizer,) = resources(template_json, "AWS::ApiGatewayV2::Authorizer").values()
    props = authorizer["Properties"]
    assert props["AuthorizerType"] == "JWT"
    client_id = logical_id(crm_stack, crm_stack.auth.client)
    assert props["JwtConfiguration"]["Audience"] == [{"Ref": client_id}]


def test_stage_logs_access_without_personal_payloads_and_throttles(
    template_json: dict[str, Any],
) -> None:
    (stage,) = resources(template_json, "AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": STAGE_THROTTLE.burst,
        "ThrottlingRateLimit": STAGE_THROTTLE.rate_per_second,
    }

    log_format = json.loads(props["AccessLogSettings"]["Format"])
    assert {"requestId", "ip", "routeKey", "status", "responseLength", "integrationError"} <= set(log_format)
    for variable in log_format.values():
        lowered = variable.lower()
        for personal in ("body", "authorization", "header", "jwt", "claims"):
            assert personal not in lowered, variable
    log_group_id = props["AccessLogSettings"]["DestinationArn"]["Fn::GetAtt"][0]
    assert log_group_id in resources(template_json, "AWS::Logs::LogGroup")


def _cfn_throttle(rate: float, burst: int) -> dict[str, Any]:
    return {"ThrottlingRateLimit": rate, "ThrottlingBurstLimit": burst}


def test_public_routes_are_throttled_tighter_than_the_stage_default(template_json: dict[str, Any]) -> None:
    (stage,) = resources(template_json, "AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    default = props["DefaultRouteSettings"]
    assert default == _cfn_throttle(STAGE_THROTTLE.rate_per_second, STAGE_THROTTLE.burst)

    public = {route.route_key for _, route in all_routes() if route.public}
    # Independent of the spec's flag: every auth route is where credentials are guessed.
    auth_routes = {route.route_key for _, route in all_routes() if route.path.startswith("/v1/auth/")}
    assert auth_routes
    assert auth_routes <= public
    assert set(props["RouteSettings"]) == public
    for route_key, settings in props["RouteSettings"].items():
        assert settings == _cfn_throttle(PUBLIC_ROUTE_THROTTLE.rate_per_second, PUBLIC_ROUTE_THROTTLE.burst)
        assert settings["ThrottlingRateLimit"] < default["ThrottlingRateLimit"], route_key
        assert settings["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"], route_key

    # CloudFormation refuses settings for a route key that does not exist yet.
    route_ids = {
        route["Properties"]["RouteKey"]: logical
        for logical, route in resources(template_json, "AWS::ApiGatewayV2::Route").items()
    }
    assert {route_ids[key] for key in public} <= set(stage.get("DependsOn", []))


def test_a_new_public_route_is_throttled_without_a_second_edit() -> None:
    """An OAuth callback (or any public route added later) gets the tight bucket from the spec."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_cognito as cognito
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk.assertions import Template

    from infra.api import Api
    from infra.auth import Auth

    callback = RouteSpec("GET", "/v1/oauth/google/callback", public=True)
    spec = FunctionSpec(name="oauth", module="functions.oauth", description="test", routes=(callback,))
    stack = Stack(App(), "ThrottleProbe")
    function = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
    )
    auth = Auth(stack, "Auth", email=cognito.UserPoolEmail.with_cognito())
    Api(stack, "Api", auth=auth, functions={"oauth": function}, specs=(spec,))
    (stage,) = resources(Template.from_stack(stack).to_json(), "AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["RouteSettings"] == {
        callback.route_key: _cfn_throttle(PUBLIC_ROUTE_THROTTLE.rate_per_second, PUBLIC_ROUTE_THROTTLE.burst)
    }


# --- Logs --------------------------------------------------------------------------------------


def test_every_log_group_has_bounded_retention(template_json: dict[str, Any]) -> None:
    log_groups = resources(template_json, "AWS::Logs::LogGroup")
    assert log_groups
    for logical, group in log_groups.items():
        retention = group["Properties"].get("RetentionInDays")
        assert retention is not None, f"{logical} keeps logs forever"
        assert retention == LOG_RETENTION_DAYS <= POLICY_MAX_DAYS, logical


def test_every_function_logs_to_its_own_bounded_group(template_json: dict[str, Any]) -> None:
    log_groups = resources(template_json, "AWS::Logs::LogGroup")
    functions = resources(template_json, "AWS::Lambda::Function")
    targets = []
    for logical, function in functions.items():
        ref = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        assert ref in log_groups, logical
        targets.append(ref)
    assert len(set(targets)) == len(functions)


# --- Lambda ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_function_matches_spec(template_json: dict[str, Any], crm_stack: CrmStack, spec: FunctionSpec) -> None:
    props = properties(template_json, crm_stack, crm_stack.functions.functions[spec.name])
    assert props["Handler"] == spec.handler
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_s
    assert props["Architectures"] == ["arm64"]
    # Off by choice (docs/cost.md#tracing): no X-Ray, so no X-Ray permissions either.
    assert "TracingConfig" not in props

    (layer_ref,) = props["Layers"]
    layer = template_json["Resources"][layer_ref["Ref"]]["Properties"]
    assert layer["CompatibleRuntimes"] == [props["Runtime"]]
    assert layer["CompatibleArchitectures"] == props["Architectures"]

    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == spec.name
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == METRICS_NAMESPACE
    assert env["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert env["PYDANTIC_DISABLE_PLUGINS"] == "__all__"  # no entry-point scan in cold starts
    resource_vars = set().union(*NEED_ENV.values())
    expected_vars = set().union(set(), *(NEED_ENV[need] for need in spec.needs))
    assert resource_vars & set(env) == expected_vars


def test_snapstart_covers_every_api_function_and_import_step() -> None:
    assert set(API_FUNCTIONS) | set(STEP_FUNCTIONS) <= set(SNAPSTART_FUNCTIONS)
    # Opting out is for functions no person or import step waits on (an undo answers 202 at once).
    opted_out = {f.name for f in FUNCTIONS if f not in SNAPSTART_FUNCTIONS}
    assert opted_out == {"erasure", "retention", "backup", "import_undo"}


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_snapstart_runs_on_a_published_version_behind_the_alias(
    template_json: dict[str, Any], crm_stack: CrmStack, spec: FunctionSpec
) -> None:
    function = crm_stack.functions.functions[spec.name]
    props = properties(template_json, crm_stack, function)
    if spec not in SNAPSTART_FUNCTIONS:
        assert "SnapStart" not in props
        assert spec.name not in crm_stack.functions.aliases
        return
    assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    alias = properties(template_json, crm_stack, crm_stack.functions.aliases[spec.name])
    assert alias["Name"] == SNAPSTART_ALIAS
    assert alias["FunctionName"] == {"Ref": logical_id(crm_stack, function)}
    version_id, attribute = alias["FunctionVersion"]["Fn::GetAtt"]
    assert attribute == "Version"
    version = template_json["Resources"][version_id]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": logical_id(crm_stack, function)}
    # The version a deployment replaces is deleted, with its cached snapshot.
    assert version["DeletionPolicy"] == "Delete"


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_function_role_holds_only_what_it_needs(
    template_json: dict[str, Any], crm_stack: CrmStack, spec: FunctionSpec
) -> None:
    role_id = logical_id(crm_stack, crm_stack.functions.roles[spec.name])
    assert "ManagedPolicyArns" not in template_json["Resources"][role_id]["Properties"]
    allowed = ALWAYS_ALLOWED_PREFIXES.union(*(NEED_ACTION_PREFIXES[n] for n in spec.needs))
    granted = {
        action.split(":")[0]
        for statement in role_statements(template_json, role_id)
        for action in as_list(statement["Action"])
    }
    assert granted <= allowed, spec.name
    assert allowed <= granted, spec.name  # it can still do its job


def test_no_wildcard_data_permissions(template_json: dict[str, Any]) -> None:
    statements = policy_statements(template_json)
    assert statements
    for statement in statements:
        if statement["Effect"] != "Allow":
            continue
        actions = as_list(statement["Action"])
        assert "*" not in actions
        assert not {"dynamodb:*", "s3:*", "kms:*", "cognito-idp:*"} & set(actions), statement
        data_actions = [a for a in actions if a.split(":")[0] in {"dynamodb", "s3", "kms"}]
        if data_actions:
            assert "*" not in as_list(statement["Resource"]), statement


# --- Cognito -----------------------------------------------------------------------------------


def test_user_pool_matches_spec(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    pool = properties(template_json, crm_stack, crm_stack.auth.user_pool)
    assert pool["UsernameAttributes"] == list(USER_POOL.username_attributes)
    assert pool["AutoVerifiedAttributes"] == list(USER_POOL.auto_verified_attributes)
    schema = {attribute["Name"]: attribute for attribute in pool["Schema"]}
    required = {name for name, attribute in schema.items() if attribute.get("Required")}
    assert required == set(USER_POOL.required_attributes)
    custom = {name: attribute for name, attribute in schema.items() if "AttributeDataType" in attribute}
    assert custom == {
        spec.name: {
            "Name": spec.name,
            "AttributeDataType": "String",
            "Mutable": True,
            "StringAttributeConstraints": {"MaxLength": str(spec.max_length)},
        }
        for spec in USER_POOL.custom_attributes
    }
    password = pool["Policies"]["PasswordPolicy"]
    assert password["MinimumLength"] == USER_POOL.password_min_length
    assert all(password[f"Require{kind}"] for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols"))
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["AccountRecoverySetting"]["RecoveryMechanisms"] == [{"Name": "verified_email", "Priority": 1}]
    assert pool["DeletionProtection"] == "ACTIVE"


def test_user_pool_offers_optional_totp_mfa_and_no_sms(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    pool = properties(template_json, crm_stack, crm_stack.auth.user_pool)
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_cognito_sends_its_email_through_ses_from_the_verified_sender(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    """Production mail (confirmation codes, recovery) goes through SES from the sender given at
    deploy (`-c ses_from_address=…`): Cognito's own sender is capped at 50 emails a day."""
    email = properties(template_json, crm_stack, crm_stack.auth.user_pool)["EmailConfiguration"]
    assert email["EmailSendingAccount"] == "DEVELOPER"
    assert email["From"] == TEST_SES_SENDER
    (_, parts) = email["SourceArn"]["Fn::Join"]
    assert parts[-1] == f":identity/{TEST_SES_SENDER}"
    assert ":ses:us-east-1:" in parts[2]


def test_without_a_ses_sender_the_synth_fails_unless_cognito_email_is_allowed() -> None:
    from aws_cdk import App, Stack
    from aws_cdk.assertions import Template

    from infra.auth import Auth, MissingSesSender, user_pool_email

    with pytest.raises(MissingSesSender, match="ses_from_address"):
        user_pool_email(Stack(App(), "NoSender"))
    with pytest.raises(MissingSesSender, match="ses_region"):
        user_pool_email(Stack(App(context={"ses_from_address": TEST_SES_SENDER}), "NoRegion"))
    allowed = Stack(App(context={"cognito_default_email": "true"}), "CognitoSender")
    Auth(allowed, "Auth", email=user_pool_email(allowed))
    (pool,) = Template.from_stack(allowed).find_resources("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}


def test_app_client_matches_spec(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    client = properties(template_json, crm_stack, crm_stack.auth.client)
    assert client["GenerateSecret"] is False
    assert sorted(client["ExplicitAuthFlows"]) == sorted(USER_POOL.auth_flows)
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    units = client["TokenValidityUnits"]

    def minutes(kind: str) -> int:
        value: int = client[f"{kind}Validity"] * MINUTES_PER_UNIT[units[kind]]
        return value

    assert minutes("AccessToken") == USER_POOL.access_token_minutes
    assert minutes("IdToken") == USER_POOL.id_token_minutes
    assert minutes("RefreshToken") == USER_POOL.refresh_token_days * MINUTES_PER_UNIT["days"]


# --- account termination, backups, retention ---------------------------------------------------


def test_erasure_workflow_logs_no_execution_data_is_encrypted_and_traced(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    props = properties(template_json, crm_stack, crm_stack.erasure_workflow.state_machine)
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is False
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["EncryptionConfiguration"]["Type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert props["StateMachineType"] == "STANDARD"


def test_backup_and_retention_run_daily_on_eventbridge_scheduler(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    schedules = resources(template_json, "AWS::Scheduler::Schedule")
    targets = {
        crm_stack.resolve(crm_stack.functions.functions[name].function_arn)["Fn::GetAtt"][0]: None
        for name in (BACKUP_FUNCTION.name, RETENTION_FUNCTION.name)
    }
    found = {}
    for schedule in schedules.values():
        props = schedule["Properties"]
        found[props["Target"]["Arn"]["Fn::GetAtt"][0]] = props["ScheduleExpression"]
    assert set(found) == set(targets)
    assert all(expression.startswith("cron(0 ") and expression.endswith(" * * ? *)") for expression in found.values())


def test_receipts_are_hashed_with_an_hmac_key(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    props = properties(template_json, crm_stack, crm_stack.functions.receipt_key.key)
    assert (props["KeySpec"], props["KeyUsage"]) == ("HMAC_256", "GENERATE_VERIFY_MAC")


def test_the_table_has_the_expiry_index_for_retention_jobs(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    props = properties(template_json, crm_stack, crm_stack.data.table)
    names = {index["IndexName"] for index in props["GlobalSecondaryIndexes"]}
    assert "by_due" in names
