"""Each function's environment, as synthesized, is exactly what its needs imply in
``shared.resources.NEED_ENVIRONMENT`` plus the runtime's common variables: the function's settings
require those names at cold start, and nothing else should reach it."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from infra.grants import NEED_STATEMENTS
from infra.stack import OAUTH_CALLBACK_PATH, CrmStack
from shared.resources import (
    ENV_ERASURE_STATE_MACHINE_ARN,
    ENV_IMPORT_STATE_MACHINE_ARN,
    ENV_OAUTH_REDIRECT_URI,
    FUNCTIONS,
    NEED_ENVIRONMENT,
    RUNTIME_ENVIRONMENT,
    FunctionSpec,
    Need,
)
from tests.infra.test_template import properties

pytestmark = pytest.mark.infra

COMMON = {"POWERTOOLS_SERVICE_NAME", *RUNTIME_ENVIRONMENT}


def _environment(template_json: dict[str, Any], crm_stack: CrmStack, spec: FunctionSpec) -> dict[str, Any]:
    function = properties(template_json, crm_stack, crm_stack.functions.functions[spec.name])
    variables: dict[str, Any] = function["Environment"]["Variables"]
    return variables


def test_every_need_has_statements_and_an_environment() -> None:
    assert set(NEED_STATEMENTS) == set(NEED_ENVIRONMENT) == set(get_args(Need))


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.name)
def test_function_environment_is_exactly_what_its_needs_imply(
    template_json: dict[str, Any], crm_stack: CrmStack, spec: FunctionSpec
) -> None:
    implied = {name for need in spec.needs for name in NEED_ENVIRONMENT[need]}
    assert set(_environment(template_json, crm_stack, spec)) == COMMON | implied


def test_variables_set_after_the_functions_name_the_workflows_and_the_callback(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    """The workflows' ARNs and the redirect URI are added by the stack once those exist."""
    expected = {
        ENV_IMPORT_STATE_MACHINE_ARN: crm_stack.resolve(crm_stack.import_workflow.state_machine_arn),
        ENV_ERASURE_STATE_MACHINE_ARN: crm_stack.resolve(crm_stack.erasure_workflow.state_machine.state_machine_arn),
    }
    seen = set()
    for spec in FUNCTIONS:
        environment = _environment(template_json, crm_stack, spec)
        for name, value in expected.items():
            if name in environment:
                assert environment[name] == value, (spec.name, name)
                seen.add(name)
        if ENV_OAUTH_REDIRECT_URI in environment:
            assert environment[ENV_OAUTH_REDIRECT_URI]["Fn::Join"][1][-1].endswith(OAUTH_CALLBACK_PATH), spec.name
            seen.add(ENV_OAUTH_REDIRECT_URI)
    assert seen == {*expected, ENV_OAUTH_REDIRECT_URI}
