"""Per-client limits in front of the HTTP API: CloudFront with AWS WAF rate-based rules.

HTTP APIs cannot attach WAF, and their stage and route limits are buckets shared by every caller:
one client could empty them for all. So production's only way in is a CloudFront distribution
with a web ACL, whose rate-based rules count each client on its own (per source IP, per bearer
token, tighter on the sign-in routes) and answer 429 with Retry-After. A CloudFront web ACL must
live in us-east-1: the ACL and the distribution are one stack there (``EdgeStack``), which needs
nothing from the API's stack but the API's origin domain name (a parameter), so the two stacks
deploy independently. The API's default execute-api endpoint is disabled (``infra.api``): it is
reachable only through its custom domain, the distribution's origin. docs/deploy.md has the order,
docs/usage-profile.md the figures behind each limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Aws, CfnOutput, CfnParameter, Duration, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.checkov import EDGE_NOT_LOGGED, skip_on
from infra.depends_on import wait_for_policy_only
from infra.logs import bounded_log_group
from infra.nag import acknowledge_edge_findings, acknowledge_retry_after_findings
from shared.resources import CLIENT_THROTTLE, PUBLIC_CLIENT_THROTTLE

EDGE_REGION = "us-east-1"  # CloudFront's web ACLs and viewer certificates live there
EDGE_STACK_NAME = "CrmEdgeStack"
WINDOW_S = 300  # the rate-based rules' evaluation window


@dataclass(frozen=True)
class RateRule:
    """At most ``limit`` requests per ``WINDOW_S`` per aggregation key; docs/usage-profile.md."""

    name: str
    limit: int
    retry_after_s: int


# One bearer token (one signed-in app): shared.resources.CLIENT_THROTTLE over the window.
PER_TOKEN = RateRule("PerBearerToken", limit=round(CLIENT_THROTTLE.rate_per_second * WINDOW_S), retry_after_s=60)
# Sign-in, registration, confirmation and refresh: password guessing and sign-up floods, per IP.
SIGN_IN_PER_IP = RateRule(
    "SignInPerIp", limit=round(PUBLIC_CLIENT_THROTTLE.rate_per_second * WINDOW_S), retry_after_s=60
)
# A carrier's NAT puts many phones behind one IP: the per-IP limit on everything holds four
# signed-in apps at their own limit, or ~100 ordinary users, at once.
PER_IP = RateRule("PerClientIp", limit=4 * PER_TOKEN.limit, retry_after_s=60)
RATE_RULES = (SIGN_IN_PER_IP, PER_TOKEN, PER_IP)

RETRY_AFTER_CODE = Path(__file__).with_name("edge_retry_after.py")

THROTTLED_BODY_KEY = "too_many_requests"
THROTTLED_BODY = {"error": {"code": "too_many_requests", "message": "Too many requests; try again later."}}


def _visibility(name: str) -> dict[str, Any]:
    return {"cloudWatchMetricsEnabled": True, "metricName": name, "sampledRequestsEnabled": False}


def _throttled(rule: RateRule) -> dict[str, Any]:
    return {
        "block": {
            "customResponse": {
                "responseCode": 429,
                "customResponseBodyKey": THROTTLED_BODY_KEY,
                "responseHeaders": [{"name": "Retry-After", "value": str(rule.retry_after_s)}],
            }
        }
    }


def _rate_statement(rule: RateRule) -> dict[str, Any]:
    statement: dict[str, Any] = {"limit": rule.limit, "evaluationWindowSec": WINDOW_S}
    if rule is PER_TOKEN:
        statement["aggregateKeyType"] = "CUSTOM_KEYS"
        statement["customKeys"] = [
            {"header": {"name": "authorization", "textTransformations": [{"priority": 0, "type": "NONE"}]}}
        ]
    else:
        statement["aggregateKeyType"] = "IP"
    if rule is SIGN_IN_PER_IP:
        statement["scopeDownStatement"] = {
            "byteMatchStatement": {
                "fieldToMatch": {"uriPath": {}},
                "positionalConstraint": "STARTS_WITH",
                "searchString": "/v1/auth/",
                "textTransformations": [{"priority": 0, "type": "NONE"}],
            }
        }
    return {"rateBasedStatement": statement}


def web_acl_rules() -> list[dict[str, Any]]:
    """Amazon's IP reputation list and known bad inputs (Log4Shell and the like) first, then the
    rate rules (tightest first)."""
    rules: list[dict[str, Any]] = [
        {
            "name": name,
            "priority": priority,
            "overrideAction": {"none": {}},
            "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": group}},
            "visibilityConfig": _visibility(name),
        }
        for priority, (name, group) in enumerate(
            (
                ("AmazonIpReputation", "AWSManagedRulesAmazonIpReputationList"),
                ("KnownBadInputs", "AWSManagedRulesKnownBadInputsRuleSet"),
            )
        )
    ]
    for priority, rule in enumerate(RATE_RULES, start=len(rules)):
        rules.append(
            {
                "name": rule.name,
                "priority": priority,
                "action": _throttled(rule),
                "statement": _rate_statement(rule),
                "visibilityConfig": _visibility(rule.name),
            }
        )
    return rules


class EdgeStack(Stack):
    """us-east-1: the web ACL and the distribution that is the API's only public entry point."""

    def __init__(self, scope: Construct, construct_id: str, *, account: str | None = None, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, env=Environment(account=account, region=EDGE_REGION), **kwargs)
        api_domain = CfnParameter(
            self,
            "ApiDomainName",
            description="The API's public host name (the app calls https://<it>/v1/…), e.g. api.example.com",
            allowed_pattern=r"^[a-z0-9.-]+$",
        )
        api_certificate = CfnParameter(
            self,
            "ApiCertificateArn",
            description="ACM certificate for ApiDomainName, in us-east-1",
            allowed_pattern=r"^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate/.+$",
        )
        origin_domain = CfnParameter(
            self,
            "OriginDomainName",
            description="The HTTP API's custom domain (CrmStack's OriginDomainName), e.g. origin.api.example.com",
            allowed_pattern=r"^[a-z0-9.-]+$",
        )

        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="CLOUDFRONT",
            default_action={"allow": {}},
            custom_response_bodies={
                THROTTLED_BODY_KEY: {"contentType": "APPLICATION_JSON", "content": json.dumps(THROTTLED_BODY)}
            },
            rules=web_acl_rules(),
            visibility_config=_visibility("CrmApiWebAcl"),
        )

        self.retry_after = self._retry_after_function()
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Lead CRM API: the only way in (WAF rate limits per client)",
            domain_names=[api_domain.value_as_string],
            certificate=acm.Certificate.from_certificate_arn(self, "ApiCertificate", api_certificate.value_as_string),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            web_acl_id=self.web_acl.attr_arn,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.HttpOrigin(
                    origin_domain.value_as_string,
                    protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                    origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
                ),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                # Personal data is never cached; with caching disabled the policy forwards every
                # viewer header (Authorization included) but Host, which must be the origin's.
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                edge_lambdas=[
                    cloudfront.EdgeLambda(
                        function_version=self.retry_after.current_version,
                        event_type=cloudfront.LambdaEdgeEventType.ORIGIN_RESPONSE,
                    )
                ],
            ),
        )
        acknowledge_edge_findings(self.distribution)
        skip_on(self.distribution, EDGE_NOT_LOGGED)
        CfnOutput(self, "DistributionDomainName", value=self.distribution.distribution_domain_name)
        CfnOutput(self, "WebAclArn", value=self.web_acl.attr_arn)

    def _retry_after_function(self) -> lambda_.Function:
        """Lambda@Edge adding Retry-After to API Gateway's own 429s (infra/edge_retry_after.py)."""
        role = iam.Role(
            self,
            "RetryAfterRole",
            assumed_by=iam.CompositePrincipal(
                iam.ServicePrincipal("lambda.amazonaws.com"), iam.ServicePrincipal("edgelambda.amazonaws.com")
            ),
            description="Lambda@Edge Retry-After: its own logs only",
        )
        # Lambda@Edge logs in the region that ran it, to /aws/lambda/us-east-1.<function name>.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[f"arn:{Aws.PARTITION}:logs:*:{Aws.ACCOUNT_ID}:log-group:/aws/lambda/{EDGE_REGION}.*"],
            )
        )
        function = lambda_.Function(
            self,
            "RetryAfter",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline(RETRY_AFTER_CODE.read_text()),
            role=role,
            memory_size=128,
            timeout=Duration.seconds(5),
            log_group=bounded_log_group(self, "RetryAfterLogs"),
            description="Adds Retry-After to API Gateway's own 429 (origin response)",
        )
        wait_for_policy_only(function, role)
        acknowledge_retry_after_findings(function, role)
        return function
