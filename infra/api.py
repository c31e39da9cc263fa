"""HTTP API: JWT-authorized by default, routes generated from the function specs.

Reachable only through its custom domain (``OriginDomainName``), the origin of the CloudFront
distribution whose web ACL limits each client (``infra.edge``): the default execute-api endpoint
is disabled, so nobody can go around the ACL by calling it."""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import CfnParameter
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.auth import Auth
from infra.logs import bounded_log_group as log_group
from shared.resources import API_FUNCTIONS, STAGE_THROTTLE, FunctionSpec, RouteSpec

# Who called what and how it ended; never bodies, headers or tokens (personal data).
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage",
}


class Api(Construct):
    """The only public entry point; public routes are opted out per route in the spec."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        auth: Auth,
        functions: Mapping[str, lambda_.IFunction],
        specs: tuple[FunctionSpec, ...] = API_FUNCTIONS,
    ) -> None:
        super().__init__(scope, construct_id)

        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description="Lead CRM mobile API",
            create_default_stage=False,
            disable_execute_api_endpoint=True,
            default_authorizer=authorizers.HttpUserPoolAuthorizer(
                "CognitoAuthorizer",
                auth.user_pool,
                user_pool_clients=[auth.client],
            ),
        )

        self.access_log_group = log_group(self, "AccessLogs")
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=STAGE_THROTTLE.rate_per_second, burst_limit=STAGE_THROTTLE.burst
            ),
            access_log_settings=_AccessLogSettings(
                destination=apigwv2.LogGroupLogDestination(self.access_log_group),
                format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FORMAT)),
            ),
        )

        self.public_domain = CfnParameter(
            self,
            "ApiDomainName",
            description="The API's public host name, on CloudFront (CrmEdgeStack's ApiDomainName)",
            allowed_pattern=r"^[a-z0-9.-]+$",
        )
        self.public_domain.override_logical_id("ApiDomainName")  # a stable name for --parameters
        origin_domain = CfnParameter(
            self,
            "OriginDomainName",
            description="The API's custom domain, CloudFront's origin (CrmEdgeStack), e.g. origin.api.example.com",
            allowed_pattern=r"^[a-z0-9.-]+$",
        )
        origin_domain.override_logical_id("OriginDomainName")
        origin_certificate = CfnParameter(
            self,
            "OriginCertificateArn",
            description="ACM certificate for OriginDomainName, in this stack's region",
            allowed_pattern=r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/.+$",
        )
        origin_certificate.override_logical_id("OriginCertificateArn")
        self.origin_domain = apigwv2.DomainName(
            self,
            "OriginDomain",
            domain_name=origin_domain.value_as_string,
            certificate=acm.Certificate.from_certificate_arn(
                self, "OriginCertificate", origin_certificate.value_as_string
            ),
            security_policy=apigwv2.SecurityPolicy.TLS_1_2,
        )
        apigwv2.ApiMapping(self, "OriginMapping", api=self.http_api, domain_name=self.origin_domain, stage=self.stage)

        self.public_routes: list[apigwv2.HttpRoute] = []
        for spec in specs:
            integration = integrations.HttpLambdaIntegration(
                f"{spec.name.capitalize()}Integration", functions[spec.name]
            )
            for route in spec.routes:
                routes = self.http_api.add_routes(
                    path=route.path,
                    methods=[apigwv2.HttpMethod[route.method]],
                    integration=integration,
                    authorizer=apigwv2.HttpNoneAuthorizer() if route.public else None,
                    authorization_scopes=list(route.authorization_scopes) or None,
                )
                if route.public:
                    self.public_routes.extend(routes)
                if route.throttle != STAGE_THROTTLE:
                    self._throttle_route(route, routes)

    def _throttle_route(self, route: RouteSpec, routes: list[apigwv2.HttpRoute]) -> None:
        """Per-route settings (``RouteSettings`` of the stage) for a route tighter than the default.

        CloudFormation rejects route settings for a route key that does not exist yet, so the
        stage waits for the route.
        """
        cfn_stage = self.stage.node.default_child
        assert isinstance(cfn_stage, apigwv2.CfnStage)
        settings = dict(cfn_stage.route_settings or {})
        settings[route.route_key] = {
            "ThrottlingRateLimit": route.throttle.rate_per_second,
            "ThrottlingBurstLimit": route.throttle.burst,
        }
        cfn_stage.route_settings = settings
        for http_route in routes:
            self.stage.node.add_dependency(http_route.node.default_child)

    @property
    def url(self) -> str:
        """The public base URL (through CloudFront), ending in a slash."""
        return f"https://{self.public_domain.value_as_string}/"


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogSettings:
    """``IAccessLogSettings`` is a jsii interface, not a struct: it needs an implementing class."""

    def __init__(self, *, destination: apigwv2.IAccessLogDestination, format: apigw.AccessLogFormat) -> None:
        self._destination = destination
        self._format = format

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format
