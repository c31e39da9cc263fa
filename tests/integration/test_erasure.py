"""Account termination: erasure reaches every store, survives a crash at any call, costs what it
should — each proved by reading the stores back (moto), not by trusting the code."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from ulid import ULID

from functions.openapi import openapi_document
from local.fake_google import DEMO_SPREADSHEET_ID
from shared.core.layout import item_kind
from shared.core.object_store import DeletionCount, ObjectStore
from shared.erasure import erase as erasure
from shared.erasure.repository import DeletionRepository
from shared.erasure.schedule import new_deletion_id
from shared.erasure.wiring import receipt_hasher
from shared.imports.repository import ImportJob
from shared.imports.status import ImportStatus
from shared.imports.step_wiring import worker_dependencies
from tests.importing import run_import, start_import
from tests.support import (
    PDF_BYTES,
    Api,
    TestUser,
    count_object_versions,
    enable_features,
    new_lead_body,
    put_object_versions,
    upload_file,
)

ROOT = Path(__file__).resolve().parents[2]


# --- helpers -----------------------------------------------------------------------------------


def populate(user: TestUser, leads: int = 2, file_versions: int = 2, with_imports: bool = False) -> None:
    """A bit of everything a user can store: leads, a check-in with location, a call activity,
    a file with several S3 versions, a device, preferences."""
    enable_features(user, location_enabled=True, call_log_sync_enabled=True)
    created = [user.api.post("/v1/leads", json=new_lead_body()).json() for _ in range(leads)]
    visit = {"lat": 28.6139, "lng": 77.209, "accuracy_m": 4, "at": "2026-06-01T10:00:00Z"}
    assert user.api.post(f"/v1/leads/{created[0]['lead_id']}/check-ins", json=visit).status_code == 201
    call = {"number": created[0]["phone"], "direction": "outgoing", "at": "2026-06-01T11:00:00Z", "duration_s": 60}
    user.api.post("/v1/device-logs/sync", json={"device_id": "install-erase1", "calls": [call]})
    body = {"filename": "contract.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    announced = user.api.post(f"/v1/leads/{created[0]['lead_id']}/files", json=body).json()
    upload_file(announced["upload"], PDF_BYTES)
    user.api.post(f"/v1/files/{announced['file_id']}/complete")
    for _ in range(file_versions - 1):  # re-posts of the still valid form after completion
        upload_file(announced["upload"], PDF_BYTES)
    device = {"device_id": "install-erase1", "platform": "android", "os_version": "14", "app_version": "3.2"}
    user.api.post("/v1/devices", json=device)
    if with_imports:
        run_import(user, DEMO_SPREADSHEET_ID)  # a finished import: leads from a sheet, a job
        start_import(user, DEMO_SPREADSHEET_ID)  # one awaiting consent: its OAuth state lives elsewhere


def _running_import(user: TestUser) -> str:
    """An import as its callback leaves it: running, holding the user's lease and a reference."""
    jobs = worker_dependencies().jobs
    import_id, now = str(ULID()), datetime.now(UTC)
    jobs.create(user.user_id, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", now))
    assert (
        jobs.begin(user.user_id, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, now) == "begun"
    )
    assert jobs.user_of(import_id) == user.user_id
    return import_id


def table_dump(local_stack: Any) -> str:
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("scan").paginate(TableName=local_stack.table_name)
    return json.dumps([item for page in pages for item in page["Items"]], default=str)


def partition_size(local_stack: Any, user_id: str) -> int:
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )
    return sum(len(page["Items"]) for page in pages)


def partition_kinds(local_stack: Any, user_id: str) -> dict[str, int]:
    """What the user holds, by kind, read straight from the table (the receipt must agree)."""
    client = local_stack.client("dynamodb")
    pages = client.get_paginator("query").paginate(
        TableName=local_stack.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )
    return dict(Counter(item_kind(item["sk"]["S"]) for page in pages for item in page["Items"]))


def object_versions(local_stack: Any, prefix: str = "") -> list[str]:
    s3 = local_stack.client("s3")
    found = []
    for bucket in local_stack.bucket_names.values():
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
            found += [v["Key"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    return found


def cognito_has(local_stack: Any, user_id: str) -> bool:
    try:
        local_stack.client("cognito-idp").admin_get_user(UserPoolId=local_stack.user_pool_id, Username=user_id)
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "UserNotFoundException":
            return False
        raise
    return True


def wait_for_erasure(api: Api, deletion_id: str, limit_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status = api.get(f"/v1/deletions/{deletion_id}").json()
        if status["status"] == "completed":
            return dict(status)
        time.sleep(0.2)
    raise AssertionError("erasure did not complete")


def delete_account(user: TestUser) -> str:
    response = user.api.delete("/v1/me", json={"password": user.password})
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "scheduled"
    return str(response.json()["deletion_id"])


# --- the erasure sweep -------------------------------------------------------------------------


def test_erasure_leaves_no_record_of_the_user_and_touches_no_one_else(
    make_user: Callable[[], TestUser], api: Api, local_stack: Any
) -> None:
    doomed, bystander = make_user(), make_user()
    populate(doomed, with_imports=True)
    populate(bystander, with_imports=True)
    running = _running_import(doomed)  # its lease, and the reference keyed by the import id alone
    bystander_items = partition_size(local_stack, bystander.user_id)
    bystander_objects = object_versions(local_stack, f"users/{bystander.user_id}/")
    held = partition_kinds(local_stack, doomed.user_id)
    assert held["imports"] == 3
    assert held["import_leases"] == 1
    assert doomed.user_id in table_dump(local_stack).replace(f"USER#{doomed.user_id}", "")  # the OAuth state
    assert len(object_versions(local_stack, f"users/{doomed.user_id}/")) == 2

    deletion_id = delete_account(doomed)
    receipt = wait_for_erasure(api, deletion_id)

    dump = table_dump(local_stack)
    for value in (doomed.user_id, doomed.email, doomed.phone, doomed.name):
        assert value not in dump
    assert not [key for key in object_versions(local_stack) if doomed.user_id in key]
    assert not cognito_has(local_stack, doomed.user_id)
    assert worker_dependencies().jobs.user_of(running) is None

    assert partition_size(local_stack, bystander.user_id) == bystander_items
    assert object_versions(local_stack, f"users/{bystander.user_id}/") == bystander_objects
    assert cognito_has(local_stack, bystander.user_id)

    completed = datetime.fromisoformat(receipt["completed_at"])
    assert datetime.fromisoformat(receipt["backups_expire_by"]) == completed + timedelta(days=90)
    assert receipt["counts"] == held | {"locations": 1, "stored_objects": 2}
    history = local_stack.client("stepfunctions").get_execution_history(
        executionArn=f"{local_stack.erasure_state_machine_arn.replace(':stateMachine:', ':execution:')}:{deletion_id}"
    )
    assert doomed.user_id not in json.dumps(history, default=str)  # only the deletion id passes through


def test_after_deletion_login_and_every_call_with_the_old_token_are_refused(
    make_user: Callable[[], TestUser], api: Api
) -> None:
    user = make_user()
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    delete_account(user)

    login = api.post("/v1/auth/login", json={"email": user.email, "password": user.password})
    assert login.status_code in (401, 403)
    assert api.post("/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]}).status_code == 401
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue
            url = path.replace("{lead_id}", lead["lead_id"]).replace("{activity_id}", "x").replace("{file_id}", "x")
            response = user.api.request(method.upper(), url.replace("{device_id}", "x"), json={})
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "account_deleted"
    assert user.api.delete("/v1/me", json={"password": user.password}).status_code == 401


def test_deletion_needs_the_current_password(user: TestUser) -> None:
    response = user.api.delete("/v1/me", json={"password": "Not-the-password-1"})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "invalid_credentials")
    assert user.api.get("/v1/me").status_code == 200


def test_unknown_deletion_ids_are_404(api: Api) -> None:
    assert api.get("/v1/deletions/not-a-real-deletion-id-123").status_code == 404


# --- crash at every call, then resume ----------------------------------------------------------


class InjectedCrash(Exception):
    pass


class CallBudget:
    """Counts AWS calls across clients and crashes right after the k-th one (0: never)."""

    def __init__(self, crash_after: int = 0) -> None:
        self.crash_after = crash_after
        self.calls = 0

    def wrap(self, client: Any) -> Any:
        budget = self

        class Crashing:
            def __getattr__(self, name: str) -> Any:
                attribute = getattr(client, name)
                if not callable(attribute) or name.startswith(("get_paginator", "meta", "generate_")):
                    return attribute

                def call(*args: Any, **kwargs: Any) -> Any:
                    result = attribute(*args, **kwargs)
                    budget.calls += 1
                    if budget.calls == budget.crash_after:
                        raise InjectedCrash(f"after call {budget.calls}")
                    return result

                return call

        return Crashing()


def _stores(local_stack: Any, budget: CallBudget) -> erasure.ErasureStores:
    ddb = budget.wrap(local_stack.client("dynamodb"))
    return erasure.ErasureStores(
        dynamodb=ddb,
        table=local_stack.table_name,
        uploads=ObjectStore(budget.wrap(local_stack.client("s3")), local_stack.bucket_names["uploads"]),
        cognito=budget.wrap(local_stack.client("cognito-idp")),
        user_pool_id=local_stack.user_pool_id,
        deletions=DeletionRepository(ddb, local_stack.table_name),
    )


def _schedule_without_workflow(local_stack: Any, user: TestUser) -> str:
    deletion_id = new_deletion_id()
    DeletionRepository(local_stack.client("dynamodb"), local_stack.table_name).schedule(
        deletion_id, user.user_id, receipt_hasher()(user.user_id), datetime.now(UTC)
    )
    return deletion_id


def _assert_erased(local_stack: Any, user: TestUser, deletion_id: str) -> None:
    assert partition_size(local_stack, user.user_id) == 0
    assert object_versions(local_stack, f"users/{user.user_id}/") == []
    assert not cognito_has(local_stack, user.user_id)
    record = DeletionRepository(local_stack.client("dynamodb"), local_stack.table_name).get(deletion_id)
    assert record is not None
    assert record["status"] == "completed"
    assert "user_id" not in record
    assert int(record["counts"]["leads"]) == 1


def test_a_crash_after_any_call_can_be_resumed_to_a_complete_erasure(
    make_user: Callable[[], TestUser], local_stack: Any
) -> None:
    probe = make_user()
    populate(probe, leads=1)
    clean = CallBudget()
    deletion_id = _schedule_without_workflow(local_stack, probe)
    assert erasure.erase_account(_stores(local_stack, clean), deletion_id)
    _assert_erased(local_stack, probe, deletion_id)
    total = clean.calls
    assert total >= 8

    for k in range(1, total + 1):
        user = make_user()
        populate(user, leads=1)
        deletion_id = _schedule_without_workflow(local_stack, user)
        with pytest.raises(InjectedCrash):
            erasure.erase_account(_stores(local_stack, CallBudget(crash_after=k)), deletion_id)
        assert erasure.erase_account(_stores(local_stack, CallBudget()), deletion_id)
        _assert_erased(local_stack, user, deletion_id)


def test_erasure_calls_grow_with_the_users_data_only(make_user: Callable[[], TestUser], local_stack: Any) -> None:
    """ceil(items/25) BatchWriteItem + ceil(objects/1000) DeleteObjects + a constant."""
    user = make_user()
    populate(user, leads=40, file_versions=3)
    items = partition_size(local_stack, user.user_id)
    objects = len(object_versions(local_stack, f"users/{user.user_id}/"))
    deletion_id = _schedule_without_workflow(local_stack, user)

    operations: list[str] = []

    class Recording:
        def __init__(self, client: Any) -> None:
            self._client = client

        def __getattr__(self, name: str) -> Any:
            attribute = getattr(self._client, name)
            if not callable(attribute):
                return attribute

            def call(*args: Any, **kwargs: Any) -> Any:
                operations.append(name)
                return attribute(*args, **kwargs)

            return call

    ddb = Recording(local_stack.client("dynamodb"))
    recorded = erasure.ErasureStores(
        dynamodb=ddb,
        table=local_stack.table_name,
        uploads=ObjectStore(Recording(local_stack.client("s3")), local_stack.bucket_names["uploads"]),
        cognito=Recording(local_stack.client("cognito-idp")),
        user_pool_id=local_stack.user_pool_id,
        deletions=DeletionRepository(ddb, local_stack.table_name),
    )
    assert erasure.erase_account(recorded, deletion_id)
    assert operations.count("batch_write_item") == math.ceil(items / 25)
    assert operations.count("delete_objects") == math.ceil(objects / 1000)
    assert "scan" not in operations
    constant = len(operations) - math.ceil(items / 25) - math.ceil(objects / 1000)
    # get, inventory query+list+update, delete query+list, sweep query, cognito, proof query+list+get, complete
    assert constant == 12


# --- more than one listing page, and proof before the receipt ----------------------------------


def test_an_account_with_more_than_1000_object_versions_is_erased_to_the_last_one(
    user: TestUser, api: Api, local_stack: Any
) -> None:
    """A client that retried its upload form 1,001 times: the receipt says completed only when
    no version is left under users/<id>/ (it used to say so with every version past 1,000 left)."""
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    body = {"filename": "retried.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    announced = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body).json()
    key = f"users/{user.user_id}/leads/{lead['lead_id']}/{announced['file_id'][26:]}"
    put_object_versions(local_stack, key, 1_001)

    receipt = wait_for_erasure(api, delete_account(user))

    assert receipt["counts"]["stored_objects"] == 1_001
    assert count_object_versions(local_stack, f"users/{user.user_id}/") == 0
    assert partition_size(local_stack, user.user_id) == 0


class _KeepsObjects(ObjectStore):
    """An uploads bucket whose deletions do nothing (a listing that ended too early, say)."""

    def delete_everything_under(self, prefix: str) -> DeletionCount:
        return DeletionCount()


class _Ignores:
    """A client whose ``operation`` answers success and does nothing."""

    def __init__(self, client: Any, operation: str, answer: dict[str, Any]) -> None:
        self._client, self._operation, self._answer = client, operation, answer

    def __getattr__(self, name: str) -> Any:
        if name == self._operation:
            return lambda **_: self._answer
        return getattr(self._client, name)


def _leaky_stores(local_stack: Any, leaky: str) -> erasure.ErasureStores:
    stores = _stores(local_stack, CallBudget())
    if leaky == "dynamodb":
        stores.dynamodb = _Ignores(stores.dynamodb, "batch_write_item", {"UnprocessedItems": {}})
    elif leaky == "s3":
        stores.uploads = _KeepsObjects(local_stack.client("s3"), local_stack.bucket_names["uploads"])
    else:
        stores.cognito = _Ignores(stores.cognito, "admin_delete_user", {})
    return stores


@pytest.mark.parametrize("leaky", ["dynamodb", "s3", "cognito"])
def test_erasure_writes_completed_only_once_every_store_is_empty(
    make_user: Callable[[], TestUser], local_stack: Any, leaky: str
) -> None:
    user = make_user()
    populate(user, leads=1)
    deletion_id = _schedule_without_workflow(local_stack, user)

    with pytest.raises(erasure.ErasureIncomplete):
        erasure.erase_account(_leaky_stores(local_stack, leaky), deletion_id)
    record = DeletionRepository(local_stack.client("dynamodb"), local_stack.table_name).get(deletion_id)
    assert record is not None
    assert record["status"] != "completed"
    assert record["user_id"] == user.user_id  # the workflow's retry still knows whom to erase

    assert erasure.erase_account(_stores(local_stack, CallBudget()), deletion_id)  # the retry finishes
    _assert_erased(local_stack, user, deletion_id)


# --- operator path -----------------------------------------------------------------------------


def test_operator_can_erase_an_account_by_email_and_prints_only_the_deletion_id(
    user: TestUser, api: Api, local_stack: Any
) -> None:
    import os

    result = subprocess.run(
        [sys.executable, "-m", "ops", "erase-account", "--email", user.email],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    print(result.stdout, result.stderr)  # the log-canary plugin reads both
    assert result.returncode == 0, result.stderr
    assert user.email not in result.stdout + result.stderr
    deletion_id = json.loads(result.stdout.strip().splitlines()[-1])["deletion_id"]
    wait_for_erasure(api, deletion_id)
    assert not cognito_has(local_stack, user.user_id)
    assert user.api.get("/v1/me").status_code == 401
