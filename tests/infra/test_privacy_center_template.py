"""The Privacy Center in AWS: served by the same HTTP API as the app (one origin, so the page's
CSP can say ``connect-src 'self'``), without a token, by a function that can touch no data, from
a code asset that carries the page's files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.packaging import REPO_ROOT, CodeLocalBundling
from infra.stack import CrmStack
from shared.privacy_center import page
from shared.resources import PRIVACY_CENTER_FUNCTION
from tests.infra.test_packaging import RUNTIME_VERSION, needs_runtime_python
from tests.infra.test_template import as_list, logical_id, properties, resources, role_statements

pytestmark = pytest.mark.infra

PAGE_ROUTES = {"GET /privacy", "GET /privacy/{file}"}
DATA_SERVICES = {"dynamodb", "s3", "kms", "cognito-idp", "states", "secretsmanager"}


def test_the_pages_are_public_routes_of_the_apps_api_reaching_the_privacy_center_function(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    routes = {
        route["Properties"]["RouteKey"]: route["Properties"]
        for route in resources(template_json, "AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) >= PAGE_ROUTES
    (api_id,) = resources(template_json, "AWS::ApiGatewayV2::Api")
    integrations = resources(template_json, "AWS::ApiGatewayV2::Integration")
    target = crm_stack.functions.invoke_targets[PRIVACY_CENTER_FUNCTION.name]  # its SnapStart alias
    for key in PAGE_ROUTES:
        route = routes[key]
        assert route["ApiId"] == {"Ref": api_id}  # the app's API: the same origin as /v1
        assert route["AuthorizationType"] == "NONE"  # the page signs in; it cannot carry a token before
        integration = integrations[route["Target"]["Fn::Join"][1][1]["Ref"]]["Properties"]
        assert integration["IntegrationUri"] == {"Ref": logical_id(crm_stack, target)}
    # Only the Privacy Center's function answers /privacy: no data function is public there.
    assert not {key for key in routes if key.split(" ")[1].startswith("/privacy")} - PAGE_ROUTES


def test_the_page_function_can_touch_no_data(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    assert PRIVACY_CENTER_FUNCTION.needs == ()
    function = crm_stack.functions.functions[PRIVACY_CENTER_FUNCTION.name]
    variables = properties(template_json, crm_stack, function)["Environment"]["Variables"]
    assert not [name for name in variables if "TABLE" in name or "BUCKET" in name or "POOL" in name]
    role_id = logical_id(crm_stack, crm_stack.functions.roles[PRIVACY_CENTER_FUNCTION.name])
    services = {
        action.split(":")[0]
        for statement in role_statements(template_json, role_id)
        for action in as_list(statement["Action"])
    }
    assert services
    assert not services & DATA_SERVICES, services


@needs_runtime_python
def test_the_code_asset_carries_every_file_the_pages_name(tmp_path: Path) -> None:
    assert CodeLocalBundling(REPO_ROOT, RUNTIME_VERSION).try_bundle(str(tmp_path))

    shipped = tmp_path / "shared" / "privacy_center" / "static"
    for name in (*page.PAGES.values(), *(f"{a.split('.')[0]}{Path(a).suffix}" for a in page.assets())):
        assert (shipped / name).read_text() == (page.STATIC / name).read_text(), name
