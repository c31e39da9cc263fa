"""The local stack: resources read back from moto equal shared.resources, handlers reach them
through plain boto3 configuration, and start/stop (and ``python -m local``) leave nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from local.stack import LocalStack
from local.testing import environment_for_another_stack, wait_for_execution
from shared import resources as spec

ROOT = Path(__file__).resolve().parents[2]


def _by(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


@pytest.fixture(scope="module")
def described(local_stack: LocalStack) -> dict[str, Any]:
    return local_stack.describe()


def test_kms_key_is_customer_managed(described: dict[str, Any], local_stack: LocalStack) -> None:
    key = described["kms_key"]
    assert key["manager"] == "CUSTOMER"
    assert key["usage"] == "ENCRYPT_DECRYPT"
    assert key["arn"] == local_stack.kms_key_arn
    assert key["id"] == local_stack.kms_key_id


def test_table_matches_spec(described: dict[str, Any], local_stack: LocalStack) -> None:
    table = described["table"]
    assert table["name"] == spec.TABLE.local_name == local_stack.table_name
    assert table["key_schema"] == [
        {"AttributeName": spec.TABLE.partition_key, "KeyType": "HASH"},
        {"AttributeName": spec.TABLE.sort_key, "KeyType": "RANGE"},
    ]
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    indexes = _by(table["global_secondary_indexes"], "name")
    assert set(indexes) == {index.name for index in spec.TABLE.indexes}
    for index in spec.TABLE.indexes:
        assert indexes[index.name]["key_schema"] == [
            {"AttributeName": index.partition_key, "KeyType": "HASH"},
            {"AttributeName": index.sort_key, "KeyType": "RANGE"},
        ]
        assert indexes[index.name]["projection"] == {"ProjectionType": index.projection}
    assert table["ttl"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": spec.TABLE.ttl_attribute}
    assert table["pitr"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert table["pitr"]["RecoveryPeriodInDays"] == spec.TABLE.pitr_recovery_days
    assert table["sse"]["Status"] == "ENABLED"
    assert table["sse"]["SSEType"] == "KMS"
    assert table["sse"]["KMSMasterKeyArn"] == local_stack.kms_key_arn


@pytest.mark.parametrize("bucket", spec.BUCKETS, ids=lambda b: b.key)
def test_bucket_matches_spec(described: dict[str, Any], local_stack: LocalStack, bucket: spec.BucketSpec) -> None:
    actual = described["buckets"][bucket.key]
    assert actual["name"] == bucket.local_name == local_stack.bucket_names[bucket.key]
    assert actual["versioning"] == ("Enabled" if bucket.versioned else None)
    assert actual["public_access_block"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    if bucket.kms_encrypted:
        assert actual["encryption"] == [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": local_stack.kms_key_arn,
                },
                "BucketKeyEnabled": True,
            }
        ]
    expected = _by([rule.to_s3() for rule in bucket.lifecycle], "ID")
    assert _by(actual["lifecycle"], "ID") == expected


def test_user_pool_matches_spec(described: dict[str, Any], local_stack: LocalStack) -> None:
    pool = described["user_pool"]
    assert pool["id"] == local_stack.user_pool_id
    assert pool["name"] == spec.USER_POOL.local_name
    assert pool["username_attributes"] == list(spec.USER_POOL.username_attributes)
    assert pool["auto_verified_attributes"] == list(spec.USER_POOL.auto_verified_attributes)
    assert pool["password_policy"]["MinimumLength"] == spec.USER_POOL.password_min_length
    schema = _by(pool["schema"], "Name")
    for name in spec.USER_POOL.required_attributes:
        assert schema[name]["Required"] is True
    for attribute in spec.USER_POOL.custom_attributes:
        custom = schema[f"custom:{attribute.name}"]
        assert custom["AttributeDataType"] == "String"
        assert custom["Mutable"] is True
        assert custom["StringAttributeConstraints"]["MaxLength"] == str(attribute.max_length)
    client = pool["client"]
    assert client["id"] == local_stack.client_id
    assert client["has_secret"] is False
    assert sorted(client["explicit_auth_flows"]) == sorted(spec.USER_POOL.auth_flows)
    assert client["access_token_validity"] == spec.USER_POOL.access_token_minutes
    assert client["id_token_validity"] == spec.USER_POOL.id_token_minutes
    assert client["refresh_token_validity"] == spec.USER_POOL.refresh_token_days
    assert client["token_validity_units"] == {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"}


def test_environment_points_plain_boto3_at_the_stack(local_stack: LocalStack) -> None:
    assert os.environ["AWS_ENDPOINT_URL"] == local_stack.moto_url
    assert os.environ["AWS_ENDPOINT_URL_LAMBDA"] == local_stack.edge_url
    assert os.environ["AWS_ENDPOINT_URL_S3"] == local_stack.s3_url
    assert os.environ["MOTO_PORT"] == str(local_stack.edge.port)  # type: ignore[union-attr]
    assert os.environ[spec.ENV_TABLE_NAME] == local_stack.table_name
    assert os.environ[spec.ENV_UPLOADS_BUCKET] == spec.UPLOADS_BUCKET.local_name
    assert os.environ[spec.ENV_USER_POOL_ID] == local_stack.user_pool_id
    assert os.environ[spec.ENV_USER_POOL_CLIENT_ID] == local_stack.client_id
    assert os.environ[spec.ENV_DEFAULT_PHONE_REGION] == "IN"
    assert os.environ["POWERTOOLS_METRICS_NAMESPACE"] == spec.METRICS_NAMESPACE
    assert "POWERTOOLS_METRICS_DISABLED" not in os.environ
    # What a handler does, with no endpoint argument anywhere: it lands in the stack's moto.
    table = boto3.resource("dynamodb").Table(os.environ[spec.ENV_TABLE_NAME])
    table.put_item(Item={"pk": "local-test", "sk": "env", "expires_at": 1})
    assert table.get_item(Key={"pk": "local-test", "sk": "env"})["Item"]["expires_at"] == 1
    table.delete_item(Key={"pk": "local-test", "sk": "env"})
    assert boto3.client("cognito-idp").describe_user_pool(UserPoolId=os.environ[spec.ENV_USER_POOL_ID])


def test_emulator_logs_withhold_request_data(
    local_stack: LocalStack, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """moto's interpreter logs a failed state with its input; that text must not reach a log."""
    phone = "+919811122233"
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": True}}}
    sfn = local_stack.client("stepfunctions")
    machine = sfn.create_state_machine(
        name=f"log-{uuid.uuid4().hex[:8]}",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/local-sfn",
    )["stateMachineArn"]
    with caplog.at_level("INFO"):
        execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"phone": phone}))["executionArn"]
        result = wait_for_execution(local_stack, execution)
        time.sleep(0.2)  # the interpreter thread logs around the moment it records the failure
    assert result["status"] == "FAILED"
    assert phone in result["cause"]  # moto did quote the input: the check below is not vacuous
    captured = capsys.readouterr()
    assert "details withheld" in captured.err
    assert "919811122233" not in captured.err + captured.out + caplog.text


def test_second_stack_in_one_process_is_refused(local_stack: LocalStack) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        LocalStack().start()
    assert os.environ["AWS_ENDPOINT_URL"] == local_stack.moto_url  # the refusal changed nothing


_LIFECYCLE = """
import json, os, socket, threading, time
import boto3, requests
from local.stack import LocalStack
from local.testing import wait_for_execution

env_before = dict(os.environ)
threads_before = {t.ident for t in threading.enumerate()}
started = time.perf_counter()
stack = LocalStack().start()
start_s = time.perf_counter() - started
ports = [stack.gateway.port, stack.edge.port, int(stack.moto_url.rsplit(":", 1)[1])]
session = requests.Session()  # keep-alive connections must not keep the stack alive
session.get(stack.gateway_url + "/v1/nothing", timeout=5)
boto3.client("dynamodb").list_tables()
boto3.client("lambda").list_functions()  # through the edge, relayed to moto
t0 = time.perf_counter()
samples = [session.get(stack.gateway_url + "/v1/nothing", timeout=5) for _ in range(200)]
per_request_ms = (time.perf_counter() - t0) / len(samples) * 1000
started = time.perf_counter()
stack.stop()
stop_s = time.perf_counter() - started
free = []
for port in ports:
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    probe.bind(("127.0.0.1", port))
    probe.close()
    free.append(port)
restarted = LocalStack().start()  # moto was reset: the same resources can be created again
restarted.stop()
print(json.dumps({
    "start_s": start_s,
    "stop_s": stop_s,
    "per_request_ms": per_request_ms,
    "ports_freed": free == ports,
    "env_restored": dict(os.environ) == env_before,
    "threads_left": [t.name for t in threading.enumerate() if t.ident not in threads_before],
}))
"""


def test_start_stop_frees_ports_joins_threads_restores_env() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _LIFECYCLE], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ports_freed"]
    assert report["env_restored"]
    assert report["threads_left"] == []
    print(f"stack start {report['start_s']:.2f}s, stop {report['stop_s']:.2f}s, ")
    print(f"gateway round trip (404 path, keep-alive) {report['per_request_ms']:.2f}ms")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_python_m_local_serves_and_stops_cleanly(signum: int) -> None:
    env = environment_for_another_stack() | {"PORT": "0", "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        api = ""
        while not api:
            line = process.stdout.readline()
            assert line, f"exited early: {''.join(lines)}"
            lines.append(line)
            if line.strip().startswith("API base"):
                api = line.split()[-1]
        ready_s = time.perf_counter() - started
        assert any(line.startswith("Local stack ready in") for line in lines)
        docs = requests.get(api + "/docs", timeout=10)
        assert docs.status_code == 200
        assert requests.get(api + "/nothing", timeout=10).status_code == 404
        process.send_signal(signum)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"python -m local ready (interpreter start included) in {ready_s:.2f}s")
