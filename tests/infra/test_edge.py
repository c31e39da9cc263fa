"""The production edge: every request reaches the HTTP API through CloudFront and its web ACL,
whose rate-based rules limit each client and answer 429 with Retry-After (issue 12, item 7)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.edge import EDGE_REGION, EDGE_STACK_NAME, PER_IP, PER_TOKEN, SIGN_IN_PER_IP, THROTTLED_BODY_KEY, WINDOW_S
from infra.stack import CrmStack
from shared.resources import CLIENT_THROTTLE, ENV_OAUTH_REDIRECT_URI, PUBLIC_CLIENT_THROTTLE, STAGE_THROTTLE

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # managed cache policy
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # managed origin request policy


def _resources(template: dict[str, Any], cfn_type: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == cfn_type]


@pytest.fixture(scope="module")
def edge(crm_stack: CrmStack) -> Any:
    from aws_cdk import Stack

    found = crm_stack.node.root.node.find_child(EDGE_STACK_NAME)
    assert isinstance(found, Stack)
    return found


@pytest.fixture(scope="module")
def edge_template(edge: Any) -> dict[str, Any]:
    from aws_cdk.assertions import Template

    result: dict[str, Any] = dict(Template.from_stack(edge).to_json())
    return result


@pytest.fixture(scope="module")
def web_acl(edge_template: dict[str, Any]) -> dict[str, Any]:
    (acl,) = _resources(edge_template, "AWS::WAFv2::WebACL")
    props: dict[str, Any] = acl["Properties"]
    return props


def test_the_web_acl_is_a_cloudfront_acl_in_us_east_1(edge: Any, web_acl: dict[str, Any]) -> None:
    assert edge.region == EDGE_REGION == "us-east-1"
    assert web_acl["Scope"] == "CLOUDFRONT"
    assert web_acl["DefaultAction"] == {"Allow": {}}


def _rule(web_acl: dict[str, Any], name: str) -> dict[str, Any]:
    (rule,) = [r for r in web_acl["Rules"] if r["Name"] == name]
    return rule


@pytest.mark.parametrize("rule", [PER_TOKEN, SIGN_IN_PER_IP, PER_IP], ids=lambda rule: rule.name)
def test_each_rate_rule_answers_429_with_retry_after_and_the_apis_error_shape(
    web_acl: dict[str, Any], rule: Any
) -> None:
    declared = _rule(web_acl, rule.name)
    statement = declared["Statement"]["RateBasedStatement"]
    assert statement["Limit"] == rule.limit
    assert statement["EvaluationWindowSec"] == WINDOW_S
    response = declared["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": str(rule.retry_after_s)}]
    body = web_acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert response["CustomResponseBodyKey"] == THROTTLED_BODY_KEY
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["error"]["code"] == "too_many_requests"


def test_rules_count_per_client_with_the_specs_per_client_limits(web_acl: dict[str, Any]) -> None:
    """Per token on every route, per IP on sign-in and on everything; none is one shared bucket."""
    per_token = _rule(web_acl, PER_TOKEN.name)["Statement"]["RateBasedStatement"]
    assert per_token["AggregateKeyType"] == "CUSTOM_KEYS"
    assert per_token["CustomKeys"][0]["Header"]["Name"] == "authorization"
    assert per_token["Limit"] == CLIENT_THROTTLE.rate_per_second * WINDOW_S

    sign_in = _rule(web_acl, SIGN_IN_PER_IP.name)["Statement"]["RateBasedStatement"]
    assert sign_in["AggregateKeyType"] == "IP"
    assert sign_in["Limit"] == PUBLIC_CLIENT_THROTTLE.rate_per_second * WINDOW_S
    match = sign_in["ScopeDownStatement"]["ByteMatchStatement"]
    assert (match["SearchString"], match["PositionalConstraint"]) == ("/v1/auth/", "STARTS_WITH")

    per_ip = _rule(web_acl, PER_IP.name)["Statement"]["RateBasedStatement"]
    assert per_ip["AggregateKeyType"] == "IP"
    assert "ScopeDownStatement" not in per_ip
    # One client's share is far below one route's shared bucket (what it could otherwise empty).
    assert PER_IP.limit / WINDOW_S < STAGE_THROTTLE.rate_per_second / 10


def test_the_distribution_is_protected_by_the_acl_and_caches_nothing(edge_template: dict[str, Any]) -> None:
    (distribution,) = _resources(edge_template, "AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    assert config["WebACLId"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert behavior["CachePolicyId"] == CACHING_DISABLED  # personal data is never cached
    assert behavior["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER  # Authorization reaches the API
    assert set(behavior["AllowedMethods"]) >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Ref": "OriginDomainName"}
    assert origin["CustomOriginConfig"] == {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]}
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"


def test_nobody_can_go_around_the_edge_through_execute_api(template_json: dict[str, Any]) -> None:
    (api,) = _resources(template_json, "AWS::ApiGatewayV2::Api")
    assert api["Properties"]["DisableExecuteApiEndpoint"] is True
    (domain,) = _resources(template_json, "AWS::ApiGatewayV2::DomainName")
    assert domain["Properties"]["DomainName"] == {
        "Ref": next(k for k in template_json["Parameters"] if "OriginDomainName" in k)
    }
    assert domain["Properties"]["DomainNameConfigurations"][0]["SecurityPolicy"] == "TLS_1_2"
    (mapping,) = _resources(template_json, "AWS::ApiGatewayV2::ApiMapping")
    assert mapping["Properties"]["Stage"]  # the one stage, behind the custom domain


def test_the_oauth_redirect_and_api_url_name_the_public_domain_not_execute_api(template_json: dict[str, Any]) -> None:
    public = {"Ref": next(k for k in template_json["Parameters"] if "ApiDomainName" in k)}
    environments = [f["Properties"].get("Environment") for f in _resources(template_json, "AWS::Lambda::Function")]
    assert "execute-api" not in json.dumps([template_json["Outputs"], environments])
    assert public in template_json["Outputs"]["ApiUrl"]["Value"]["Fn::Join"][1]
    redirects = [
        function["Properties"]["Environment"]["Variables"][ENV_OAUTH_REDIRECT_URI]
        for function in _resources(template_json, "AWS::Lambda::Function")
        if ENV_OAUTH_REDIRECT_URI in function["Properties"].get("Environment", {}).get("Variables", {})
    ]
    assert redirects
    for redirect in redirects:
        assert public in redirect["Fn::Join"][1]


def test_api_gateways_own_429_gets_retry_after_at_the_edge(edge_template: dict[str, Any]) -> None:
    """An origin-response Lambda@Edge (us-east-1, a numbered version) runs the module whose
    behaviour tests/unit/test_edge_retry_after.py checks."""
    from infra.edge import RETRY_AFTER_CODE

    (distribution,) = _resources(edge_template, "AWS::CloudFront::Distribution")
    (association,) = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"][
        "LambdaFunctionAssociations"
    ]
    assert association["EventType"] == "origin-response"
    version_id = association["LambdaFunctionARN"]["Ref"]
    version = edge_template["Resources"][version_id]
    assert version["Type"] == "AWS::Lambda::Version"
    function = edge_template["Resources"][version["Properties"]["FunctionName"]["Ref"]]
    assert function["Properties"]["Code"]["ZipFile"] == RETRY_AFTER_CODE.read_text()
    role = edge_template["Resources"][function["Properties"]["Role"]["Fn::GetAtt"][0]]
    principals = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]
    assert set(principals) == {"lambda.amazonaws.com", "edgelambda.amazonaws.com"}
