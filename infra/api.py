"""HTTP API: JWT-authorized by default, routes generated from the function specs."""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
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
        return self.stage.url


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
