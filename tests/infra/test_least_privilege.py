"""Least privilege beyond the function roles: the erasure state machine's role, the schedules'
roles, and one rule for every statement of the template: a wildcard resource only for actions AWS
offers no resource-level permission for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from infra.stack import CrmStack
from shared.resources import ACCOUNTS_FUNCTION, BACKUP_FUNCTION, ERASURE_FUNCTION, FUNCTIONS, RETENTION_FUNCTION
from tests.infra.test_template import as_list, logical_id, policy_statements, resources, role_statements

pytestmark = pytest.mark.infra

# Actions that support no resource-level permissions (X-Ray; CloudWatch Logs vended delivery,
# which Step Functions logging needs). Nothing else may be granted on Resource "*".
NO_RESOURCE_LEVEL_ACTIONS = frozenset(
    {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:DescribeLogGroups",
        "logs:DescribeResourcePolicies",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:UpdateLogDelivery",
    }
)


def _allowed(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [statement for statement in statements if statement["Effect"] == "Allow"]


def _function_arn_refs(crm_stack: CrmStack, name: str) -> list[Any]:
    """The function's ARN and its versions/aliases (``<arn>:*``), as the template writes them."""
    function_id = logical_id(crm_stack, crm_stack.functions.functions[name])
    arn = {"Fn::GetAtt": [function_id, "Arn"]}
    return [arn, {"Fn::Join": ["", [arn, ":*"]]}]


def test_no_service_wide_actions_and_wildcard_resources_only_where_aws_allows_nothing_narrower(
    template_json: dict[str, Any],
) -> None:
    statements = _allowed(policy_statements(template_json))
    assert statements
    for statement in statements:
        actions = as_list(statement["Action"])
        assert not [a for a in actions if a == "*" or a.endswith(":*")], statement
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= NO_RESOURCE_LEVEL_ACTIONS, statement


def test_erasure_state_machine_role_only_invokes_the_erasure_function(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    role_id = logical_id(crm_stack, crm_stack.erasure_workflow.state_machine.role)
    statements = _allowed(role_statements(template_json, role_id))
    data_key = {"Fn::GetAtt": [logical_id(crm_stack, crm_stack.data.key), "Arn"]}
    invoke = _function_arn_refs(crm_stack, ERASURE_FUNCTION.name)
    granted: set[str] = set()
    for statement in statements:
        actions = set(as_list(statement["Action"]))
        granted |= actions
        prefixes = {action.split(":")[0] for action in actions}
        if prefixes == {"lambda"}:
            assert actions == {"lambda:InvokeFunction"}, statement
            assert as_list(statement["Resource"]) == invoke, statement
        elif prefixes == {"kms"}:
            # Execution state is encrypted with the data key, through Step Functions only.
            assert actions <= {"kms:Decrypt", "kms:GenerateDataKey"}, statement
            assert statement["Resource"] == data_key, statement
            assert "Condition" in statement, statement
        else:
            assert actions <= NO_RESOURCE_LEVEL_ACTIONS, statement
    # Nothing of the data itself: the workflow only starts the function that does the work.
    assert not {a for a in granted if a.split(":")[0] in {"dynamodb", "s3", "cognito-idp", "states"}}
    assert "lambda:InvokeFunction" in granted


def test_each_schedule_role_only_invokes_its_own_function(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    schedules = resources(template_json, "AWS::Scheduler::Schedule")
    expected = {
        logical_id(crm_stack, crm_stack.functions.functions[name]): name
        for name in (BACKUP_FUNCTION.name, RETENTION_FUNCTION.name)
    }
    seen = set()
    for schedule in schedules.values():
        target = schedule["Properties"]["Target"]
        function_id = target["Arn"]["Fn::GetAtt"][0]
        role_id = target["RoleArn"]["Fn::GetAtt"][0]
        role = template_json["Resources"][role_id]["Properties"]
        assert "ManagedPolicyArns" not in role
        (statement,) = _allowed(role_statements(template_json, role_id))
        assert as_list(statement["Action"]) == ["lambda:InvokeFunction"]
        assert as_list(statement["Resource"]) == _function_arn_refs(crm_stack, expected[function_id])
        seen.add(function_id)
    assert seen == set(expected)


def test_log_groups_are_encrypted_with_the_logs_key_not_the_data_key(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    from infra.logs import logs_key

    key_id = logical_id(crm_stack, logs_key(crm_stack))
    assert key_id != logical_id(crm_stack, crm_stack.data.key)
    for logical, group in resources(template_json, "AWS::Logs::LogGroup").items():
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}, logical
    key = template_json["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    (logs_statement,) = [s for s in key["KeyPolicy"]["Statement"] if "Service" in s.get("Principal", {})]
    assert "kms:EncryptionContext:aws:logs:arn" in logs_statement["Condition"]["ArnLike"]


# --- enough privilege: moto enforces no IAM, so a missing grant would only fail in AWS ----------

ROOT = Path(__file__).resolve().parents[2]
ADMIN_CALL = re.compile(r"\.(admin_[a-z_]+)\(")


def _iam_action(method: str) -> str:
    return "cognito-idp:" + "".join(part.capitalize() for part in method.split("_"))


def _cognito_actions(template_json: dict[str, Any], crm_stack: CrmStack, name: str) -> set[str]:
    role_id = logical_id(crm_stack, crm_stack.functions.roles[name])
    return {
        action
        for statement in _allowed(role_statements(template_json, role_id))
        for action in as_list(statement["Action"])
        if action.startswith("cognito-idp:")
    }


def test_every_cognito_admin_call_in_the_code_is_granted_to_some_function(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    called = {
        _iam_action(method)
        for folder in ("shared", "functions")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "operator.py"  # operator commands run with an operator's credentials
        for method in ADMIN_CALL.findall(path.read_text())
    }
    assert "cognito-idp:AdminDeleteUser" in called  # the scan sees the erasure's call
    granted = set().union(*(_cognito_actions(template_json, crm_stack, spec.name) for spec in FUNCTIONS))
    assert called <= granted, sorted(called - granted)


def test_only_account_termination_revokes_and_only_the_erasure_deletes_users(
    template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    revoke = {"cognito-idp:AdminDisableUser", "cognito-idp:AdminUserGlobalSignOut"}
    delete = {"cognito-idp:AdminDeleteUser"}
    for spec in FUNCTIONS:
        actions = _cognito_actions(template_json, crm_stack, spec.name)
        assert (revoke <= actions) is (spec.name == ACCOUNTS_FUNCTION.name), spec.name
        assert (delete <= actions) is (spec.name == ERASURE_FUNCTION.name), spec.name


def test_the_erasure_task_may_read_back_the_user_it_deleted(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    """Erasure proves the Cognito user gone (AdminGetUser) before it writes the receipt; moto
    does not enforce IAM, so only this assertion would notice the grant missing."""
    actions = _cognito_actions(template_json, crm_stack, ERASURE_FUNCTION.name)
    assert {"cognito-idp:AdminDeleteUser", "cognito-idp:AdminGetUser"} <= actions
