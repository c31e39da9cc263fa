"""The Lambda edge: Invoke runs registered handlers in-process, everything else reaches moto, and
moto's Step Functions interpreter reaches our handlers through it (MOTO_PORT → edge)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from local.context import FunctionRegistry
from local.lambda_edge import LambdaEdge, function_name_from
from local.stack import LocalStack
from local.testing import wait_for_execution
from shared.resources import FunctionSpec


class FlakyError(Exception):
    pass


class DoomedError(Exception):
    pass


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Module-level handler so a FunctionSpec can point at this very module (lazy import test)."""
    return {"imported": True, "function": context.function_name}


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def lambda_client(local_stack: LocalStack) -> Any:
    return _client("lambda", local_stack.edge_url)


@pytest.fixture
def registered(local_stack: LocalStack) -> Iterator[list[str]]:
    """Names registered by a test, removed afterwards (the registry is the session stack's)."""
    names: list[str] = []
    yield names
    for name in names:
        local_stack.registry.unregister(name)


def test_workflow_runs_handlers_with_retry_and_catch(local_stack: LocalStack, registered: list[str]) -> None:
    calls = {"flaky": 0, "doomed": 0, "recover": 0}
    lock = threading.Lock()

    def flaky(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with lock:
            calls["flaky"] += 1
            first = calls["flaky"] == 1
        if first:
            raise FlakyError("the message text must not leave the process +919876543210")
        return {"value": event["n"] * 2}

    def doomed(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with lock:
            calls["doomed"] += 1
        raise DoomedError("secret detail")

    def recover(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with lock:
            calls["recover"] += 1
        return {"recovered": True, "doubled": event["doubled"]["value"], "error": event["error"]}

    names = {key: _unique(key) for key in calls}
    for key, fn in (("flaky", flaky), ("doomed", doomed), ("recover", recover)):
        local_stack.edge.register(names[key], fn)  # type: ignore[union-attr]
        registered.append(names[key])

    definition = {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": names["flaky"], "Payload.$": "$"},
                "ResultSelector": {"value.$": "$.Payload.value"},
                "ResultPath": "$.doubled",
                "Retry": [{"ErrorEquals": ["FlakyError"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1}],
                "Next": "Doom",
            },
            "Doom": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    # a full ARN, as CDK passes it
                    "FunctionName": f"arn:aws:lambda:us-east-1:123456789012:function:{names['doomed']}",
                    "Payload.$": "$",
                },
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}],
                "End": True,
            },
            "Recover": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": names["recover"], "Payload.$": "$"},
                "OutputPath": "$.Payload",
                "End": True,
            },
        },
    }
    sfn = local_stack.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=_unique("workflow"),
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/local-sfn",
        type="STANDARD",
    )["stateMachineArn"]

    started = time.perf_counter()
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"n": 21}))["executionArn"]
    result = wait_for_execution(local_stack, execution, timeout=30)
    elapsed = time.perf_counter() - started

    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["recovered"] is True
    assert output["doubled"] == 42
    assert output["error"]["Error"] == "DoomedError"
    # The error payload the edge returned names the type only; the message text never left.
    assert json.loads(output["error"]["Cause"]) == {"errorMessage": "DoomedError", "errorType": "DoomedError"}
    assert calls == {"flaky": 2, "doomed": 1, "recover": 1}
    assert elapsed < 15
    print(f"workflow execution took {elapsed:.2f}s")


def test_edge_forwards_other_services_to_moto(local_stack: LocalStack) -> None:
    dynamodb = _client("dynamodb", local_stack.edge_url)
    assert local_stack.table_name in dynamodb.list_tables()["TableNames"]

    s3 = _client("s3", local_stack.edge_url)
    bucket = local_stack.bucket_names["uploads"]
    key = f"edge-test/{uuid.uuid4().hex}"
    body = b"x" * 1234
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    # HEAD has no body but must keep moto's Content-Length; GET must return the bytes unchanged.
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    assert s3.get_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "aws:kms"
    s3.delete_object(Bucket=bucket, Key=key)


def test_invoke_returns_result_and_context(lambda_client: Any, local_stack: LocalStack, registered: list[str]) -> None:
    name = _unique("echo")

    def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "event": event,
            "function_name": context.function_name,
            "arn": context.invoked_function_arn,
            "memory": context.memory_limit_in_mb,
            "remaining": context.get_remaining_time_in_millis(),
            "request_id": context.aws_request_id,
        }

    local_stack.edge.register(name, echo, memory_mb=256, timeout_s=5)  # type: ignore[union-attr]
    registered.append(name)
    response = lambda_client.invoke(FunctionName=name, Payload=json.dumps({"a": [1, 2]}))
    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    result = json.loads(response["Payload"].read())
    assert result["event"] == {"a": [1, 2]}
    assert result["function_name"] == name
    assert result["arn"] == f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    assert result["memory"] == 256
    assert 0 < result["remaining"] <= 5000
    assert uuid.UUID(result["request_id"])

    by_arn = lambda_client.invoke(FunctionName=f"arn:aws:lambda:us-east-1:123456789012:function:{name}:$LATEST")
    assert json.loads(by_arn["Payload"].read())["event"] == {}


def test_unknown_function_is_resource_not_found(lambda_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        lambda_client.invoke(FunctionName=_unique("missing"))
    error = raised.value.response
    assert error["Error"]["Code"] == "ResourceNotFoundException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_handler_exception_is_unhandled_without_message(
    lambda_client: Any, local_stack: LocalStack, registered: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    name = _unique("boom")

    def boom(event: dict[str, Any], context: Any) -> None:
        raise ValueError("not a phone: +919876543210")

    local_stack.edge.register(name, boom)  # type: ignore[union-attr]
    registered.append(name)
    with caplog.at_level("INFO"):
        response = lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {"errorMessage": "ValueError", "errorType": "ValueError"}
    assert "ValueError" in caplog.text
    assert "919876543210" not in caplog.text


def test_event_invocation_is_accepted_then_run(
    lambda_client: Any, local_stack: LocalStack, registered: list[str]
) -> None:
    name = _unique("async")
    ran = threading.Event()
    release = threading.Event()

    def slow(event: dict[str, Any], context: Any) -> None:
        release.wait(5)
        ran.set()

    local_stack.edge.register(name, slow)  # type: ignore[union-attr]
    registered.append(name)
    response = lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")
    assert response["StatusCode"] == 202
    assert not ran.is_set()  # accepted before the handler finished
    release.set()
    assert ran.wait(5)


def test_timeout_and_unserializable_results_are_function_errors(
    lambda_client: Any, local_stack: LocalStack, registered: list[str]
) -> None:
    slow, odd = _unique("slow"), _unique("odd")
    local_stack.edge.register(slow, lambda e, c: time.sleep(0.2), timeout_s=0.05)  # type: ignore[union-attr]
    local_stack.edge.register(odd, lambda e, c: {"value": object()})  # type: ignore[union-attr]
    registered.extend([slow, odd])

    timed_out = lambda_client.invoke(FunctionName=slow)
    assert timed_out["FunctionError"] == "Unhandled"
    assert json.loads(timed_out["Payload"].read())["errorType"] == "Sandbox.Timedout"

    unserializable = lambda_client.invoke(FunctionName=odd)
    assert json.loads(unserializable["Payload"].read())["errorType"] == "Runtime.MarshalError"


def test_default_registry_imports_modules_lazily(local_stack: LocalStack) -> None:
    specs = (
        FunctionSpec(name="here", module=__name__, description="this test module"),
        FunctionSpec(name="ghost", module="functions.does_not_exist_anywhere", description="missing"),
    )
    registry = FunctionRegistry(specs)  # no import happens here, so a missing module is fine
    edge = LambdaEdge(local_stack.moto_url, registry)
    edge.start()
    try:
        client = _client("lambda", edge.url)
        here = client.invoke(FunctionName="here")
        assert json.loads(here["Payload"].read()) == {"imported": True, "function": "here"}
        ghost = client.invoke(FunctionName="ghost")
        assert ghost["FunctionError"] == "Unhandled"
        assert json.loads(ghost["Payload"].read())["errorType"] == "Runtime.ImportModuleError"
    finally:
        edge.stop()


@pytest.mark.parametrize(
    ("identifier", "name"),
    [
        ("leads", "leads"),
        ("leads:live", "leads"),
        ("arn:aws:lambda:us-east-1:123456789012:function:leads", "leads"),
        ("arn:aws:lambda:eu-west-1:123456789012:function:leads:7", "leads"),
        ("123456789012:function:leads", "leads"),
    ],
)
def test_function_name_from_every_invoke_form(identifier: str, name: str) -> None:
    assert function_name_from(identifier) == name
