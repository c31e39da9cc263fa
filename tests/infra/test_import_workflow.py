"""The import workflow as synthesized: Standard, logs without execution data, KMS, X-Ray, the
shared ASL (the same document the local stack runs) with no path that could carry row data,
and roles that reach only what the import needs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from infra.stack import CrmStack
from shared.imports.workflow import ALLOWED_PATHS, STEP_FUNCTIONS
from shared.resources import FUNCTIONS, IMPORT_WORKFLOW, SNAPSTART_ALIAS
from tests.infra.test_template import as_list, logical_id, properties, resources, role_statements

pytestmark = pytest.mark.infra
LOCAL_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


@pytest.fixture(scope="module")
def machine(template_json: dict[str, Any], crm_stack: CrmStack) -> dict[str, Any]:
    props: dict[str, Any] = properties(template_json, crm_stack, crm_stack.import_workflow.state_machine)
    return props


@pytest.fixture(scope="module")
def definition(machine: dict[str, Any], crm_stack: CrmStack) -> dict[str, Any]:
    return definition_of(machine, crm_stack)


def definition_of(machine: dict[str, Any], crm_stack: CrmStack) -> dict[str, Any]:
    """The DefinitionString with each function's (or its SnapStart alias's) ARN written as the
    local stack writes it."""
    names = {logical_id(crm_stack, crm_stack.functions.functions[f.name]): f.name for f in FUNCTIONS}
    aliases = {logical_id(crm_stack, alias): name for name, alias in crm_stack.functions.aliases.items()}
    parts = []
    for part in machine["DefinitionString"]["Fn::Join"][1]:
        if isinstance(part, str):
            parts.append(part)
        elif "Ref" in part:
            parts.append(f"{LOCAL_ARN.format(aliases[part['Ref']])}:{SNAPSTART_ALIAS}")
        else:
            target, attribute = part["Fn::GetAtt"]
            assert attribute == "Arn"
            parts.append(LOCAL_ARN.format(names[target]))
    parsed: dict[str, Any] = json.loads("".join(parts))
    return parsed


def test_standard_workflow_logs_no_execution_data_and_is_encrypted_and_traced(
    machine: dict[str, Any], template_json: dict[str, Any], crm_stack: CrmStack
) -> None:
    assert machine["StateMachineType"] == "STANDARD"
    logging = machine["LoggingConfiguration"]
    assert logging["IncludeExecutionData"] is False
    assert logging["Level"] == "ALL"
    (destination,) = logging["Destinations"]
    group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert template_json["Resources"][group]["Properties"]["RetentionInDays"] <= 90
    workflow_key = logical_id(crm_stack, crm_stack.import_secrets.workflow_key)
    assert machine["EncryptionConfiguration"]["Type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert machine["EncryptionConfiguration"]["KmsKeyId"] == {"Fn::GetAtt": [workflow_key, "Arn"]}
    assert machine["TracingConfiguration"] == {"Enabled": True}
    for key in (crm_stack.import_secrets.key, crm_stack.import_secrets.workflow_key):
        assert properties(template_json, crm_stack, key)["EnableKeyRotation"] is True


def _paths(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith(".$"):
                yield key, value
            yield from _paths(value)
    elif isinstance(node, list):
        for value in node:
            yield from _paths(value)


def test_no_path_of_the_definition_can_copy_row_data(definition: dict[str, Any]) -> None:
    states = definition["States"]
    read = [value for state in states.values() for _, value in _paths(state)]
    assert read  # the walk found the paths
    assert set(read) <= ALLOWED_PATHS, set(read) - ALLOWED_PATHS
    for name, state in states.items():
        assert "InputPath" not in state, name
        assert "OutputPath" not in state, name
        if state["Type"] == "Task":
            # a Lambda's whole result never enters the state: the cursor or the outcome only
            assert state["ResultSelector"], name
            assert state["ResultPath"] in ("$.cursor", "$.outcome"), name
            assert "Payload.$" not in state["Parameters"], name
        for catch in state.get("Catch", []):
            assert catch["ResultPath"] == "$.failure"


def test_every_task_has_a_timeout_retries_with_backoff_and_a_way_to_fail(definition: dict[str, Any]) -> None:
    tasks = {name: s for name, s in definition["States"].items() if s["Type"] == "Task"}
    assert set(tasks) == {"Prepare", "ImportChunk", "Finalize", "MarkFailed"}
    functions = {f.name: f for f in STEP_FUNCTIONS}
    for name, task in tasks.items():
        function = task["Parameters"]["FunctionName"].split(":function:")[1].split(":")[0]
        assert task["TimeoutSeconds"] > functions[function].timeout_s, name
        (transient, _timeouts) = task["Retry"]
        assert "SheetsUnavailable" in transient["ErrorEquals"]
        assert transient["BackoffRate"] > 1
        assert transient["JitterStrategy"] == "FULL"
        if name != "MarkFailed":
            assert task["Catch"][0]["Next"] == "MarkFailed"
    assert tasks["MarkFailed"]["Parameters"]["Payload"]["error.$"] == "$.failure.Error"  # the name only
    assert definition["TimeoutSeconds"] == IMPORT_WORKFLOW.timeout_s


def test_local_stack_runs_the_same_definition(definition: dict[str, Any], local_stack: Any) -> None:
    local = local_stack.describe()["import_workflow"]
    assert local["definition"] == definition
    assert local["type"] == "STANDARD"
    assert local["logging"]["includeExecutionData"] is False
    assert local["logging"]["level"] == "ALL"
    assert local["tracing"] == {"enabled": True}
    assert local["encryption"]["type"] == "CUSTOMER_MANAGED_KMS_KEY"


def test_the_workflow_invokes_each_steps_snapstart_alias(definition: dict[str, Any]) -> None:
    tasks = [s for s in definition["States"].values() if s["Type"] == "Task"]
    assert tasks
    for task in tasks:
        assert task["Parameters"]["FunctionName"].endswith(f":{SNAPSTART_ALIAS}")


def test_the_workflow_role_invokes_the_three_steps_only(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    role = logical_id(crm_stack, crm_stack.import_workflow.role)
    invoke = [s for s in role_statements(template_json, role) if "lambda:InvokeFunction" in as_list(s["Action"])]
    (statement,) = invoke
    targets = {r["Ref"] for r in as_list(statement["Resource"])}
    assert targets == {logical_id(crm_stack, crm_stack.functions.aliases[f.name]) for f in STEP_FUNCTIONS}


def test_import_grants_are_as_narrow_as_the_need(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    secrets = crm_stack.import_secrets
    import_key = logical_id(crm_stack, secrets.key)
    for spec in FUNCTIONS:
        statements = role_statements(template_json, logical_id(crm_stack, crm_stack.functions.roles[spec.name]))
        on_key = [s for s in statements if s.get("Resource") == {"Fn::GetAtt": [import_key, "Arn"]}]
        # The client secret is encrypted with the same key, read through Secrets Manager only.
        via_secrets = [s for s in on_key if "kms:ViaService" in s.get("Condition", {}).get("StringEquals", {})]
        on_import_key = [s for s in on_key if s not in via_secrets]
        assert bool(via_secrets) == ("google_secret" in spec.needs), spec.name
        for statement in via_secrets:
            assert as_list(statement["Action"]) == ["kms:Decrypt"]
            assert "secretsmanager." in json.dumps(statement["Condition"]["StringEquals"]["kms:ViaService"])
        if "import_key" in spec.needs:
            (statement,) = on_import_key
            assert sorted(as_list(statement["Action"])) == ["kms:Decrypt", "kms:Encrypt"]
            assert statement["Condition"] == {"StringEquals": {"kms:EncryptionContext:purpose": "google-sheets-import"}}
        else:
            assert on_import_key == [], spec.name
        import_machine = crm_stack.resolve(crm_stack.import_workflow.state_machine_arn)
        starts = [
            s for s in statements if "states:StartExecution" in as_list(s["Action"]) and s["Resource"] == import_machine
        ]
        assert bool(starts) == ("import_workflow" in spec.needs), spec.name
        secret_reads = [s for s in statements if "secretsmanager:GetSecretValue" in as_list(s["Action"])]
        assert bool(secret_reads) == ("google_secret" in spec.needs), spec.name
    # The key that seals tokens trusts the account only: no service may use it on its own.
    policy = properties(template_json, crm_stack, secrets.key)["KeyPolicy"]["Statement"]
    assert all(list(s["Principal"]) == ["AWS"] for s in policy)
    assert all(json.dumps(s["Principal"]).endswith(':root"]]}}') for s in policy)
    # beyond the account's own statement, only Secrets Manager's use for the client secret
    assert all("secretsmanager." in json.dumps(s.get("Condition", {})) for s in policy[1:])


def test_no_function_is_configured_for_plain_http_oauth(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    for logical, function in resources(template_json, "AWS::Lambda::Function").items():
        variables = function["Properties"].get("Environment", {}).get("Variables", {})
        assert not [name for name in variables if name.startswith("OAUTHLIB_")], logical
    for spec in FUNCTIONS:
        env = properties(template_json, crm_stack, crm_stack.functions.functions[spec.name])["Environment"]["Variables"]
        assert ("OAUTH_REDIRECT_URI" in env) == ("google_client" in spec.needs), spec.name
