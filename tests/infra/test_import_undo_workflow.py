"""The import undo workflow as synthesized: Standard, logs without execution data, KMS, X-Ray,
the same ASL the local stack runs, no path that could carry a user id or a lead, and a role that
invokes the undo function only."""

from __future__ import annotations

from typing import Any

import pytest

from infra.stack import CrmStack
from shared.imports.undo_workflow import ALLOWED_PATHS, STEP_FUNCTIONS
from shared.resources import IMPORT_UNDO_WORKFLOW
from tests.infra.test_import_workflow import _paths, definition_of
from tests.infra.test_template import as_list, logical_id, properties, role_statements

pytestmark = pytest.mark.infra


@pytest.fixture(scope="module")
def machine(template_json: dict[str, Any], crm_stack: CrmStack) -> dict[str, Any]:
    props: dict[str, Any] = properties(template_json, crm_stack, crm_stack.import_undo_workflow.state_machine)
    return props


@pytest.fixture(scope="module")
def definition(machine: dict[str, Any], crm_stack: CrmStack) -> dict[str, Any]:
    return definition_of(machine, crm_stack)


def test_undo_workflow_is_standard_logs_no_execution_data_and_is_encrypted(
    machine: dict[str, Any], crm_stack: CrmStack
) -> None:
    assert machine["StateMachineType"] == "STANDARD"
    assert machine["LoggingConfiguration"]["IncludeExecutionData"] is False
    workflow_key = logical_id(crm_stack, crm_stack.import_secrets.workflow_key)
    assert machine["EncryptionConfiguration"]["KmsKeyId"] == {"Fn::GetAtt": [workflow_key, "Arn"]}
    assert machine["TracingConfiguration"] == {"Enabled": True}


def test_the_undo_state_holds_the_import_id_and_progress_only(definition: dict[str, Any]) -> None:
    states = definition["States"]
    read = [value for state in states.values() for _, value in _paths(state)]
    assert "$.import_id" in read
    assert set(read) <= ALLOWED_PATHS, set(read) - ALLOWED_PATHS
    for name, state in states.items():
        assert "InputPath" not in state, name
        if state["Type"] == "Task":
            assert state["ResultSelector"], name  # never a Lambda's whole result
            assert state["ResultPath"] in ("$.progress", "$.outcome"), name
            assert state["TimeoutSeconds"] > STEP_FUNCTIONS[0].timeout_s, name
            (transient, timeouts) = state["Retry"]
            assert transient["JitterStrategy"] == "FULL"
            assert "States.Timeout" in timeouts["ErrorEquals"]
            if name != "UndoFailed":
                assert state["Catch"][0]["Next"] == "UndoFailed"
    assert definition["TimeoutSeconds"] == IMPORT_UNDO_WORKFLOW.timeout_s


def test_local_stack_runs_the_same_undo_definition(definition: dict[str, Any], local_stack: Any) -> None:
    local = local_stack.describe()["import_undo_workflow"]
    assert local["definition"] == definition
    assert local["logging"]["includeExecutionData"] is False


def test_the_undo_role_invokes_the_undo_function_only(template_json: dict[str, Any], crm_stack: CrmStack) -> None:
    role = logical_id(crm_stack, crm_stack.import_undo_workflow.role)
    invoke = [s for s in role_statements(template_json, role) if "lambda:InvokeFunction" in as_list(s["Action"])]
    (statement,) = invoke
    targets = {r["Fn::GetAtt"][0] for r in as_list(statement["Resource"])}
    assert targets == {logical_id(crm_stack, crm_stack.functions.functions[f.name]) for f in STEP_FUNCTIONS}
