"""Retention jobs find due work through the expiry index; backups restore without bringing
deleted accounts back."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from moto.dynamodb.models import dynamodb_backends
from ulid import ULID

from local.fake_google import DEMO_SPREADSHEET_ID
from local.moto_server import serialized
from ops.restore import reapply_receipts, restore_export
from shared import resources
from shared.backups.logic import start_backup
from shared.core.layout import FILE_PREFIX
from shared.core.object_store import ObjectStore
from shared.erasure.repository import DeletionRepository
from shared.erasure.wiring import deletions, receipt_hasher
from shared.imports.repository import DynamoImportRepository, ImportJob
from shared.imports.status import ImportStatus
from shared.leads.children import ChildRepository
from shared.retention import logic as retention
from tests.importing import start_import
from tests.integration.test_erasure import delete_account, object_versions, populate, wait_for_erasure
from tests.support import PDF_BYTES, Api, TestUser, new_lead_body, upload_file


def _fill(local_stack: Any, table: str, count: int, start: int = 0) -> None:
    """``count`` lead items of many users, written straight into moto's in-process backend
    (50,000 items through the API would take minutes and prove nothing more)."""
    backend = dynamodb_backends["123456789012"][local_stack.region]
    for block in range(start, start + count, 1000):
        with serialized():  # moto is not thread-safe: no request is served meanwhile
            for i in range(block, min(block + 1000, start + count)):
                backend.put_item(
                    table,
                    {
                        "pk": {"S": f"USER#filler-{i % 997}"},
                        "sk": {"S": f"LEAD#{i:026d}"},
                        "name": {"S": "Filler"},
                        "source": {"S": "manual"},
                    },
                )


class CountingClient:
    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute) or name in ("get_paginator", "meta"):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return attribute(*args, **kwargs)

        return call


def _retention_on(
    local_stack: Any, table: str, restarted: list[str]
) -> tuple[retention.RetentionStores, CountingClient]:
    ddb = CountingClient(local_stack.client("dynamodb"))
    uploads = ObjectStore(local_stack.client("s3"), local_stack.bucket_names["uploads"])
    return (
        retention.RetentionStores(
            dynamodb=ddb,
            table=table,
            file_records=ChildRepository(ddb, table, FILE_PREFIX),
            uploads=uploads,
            deletions=DeletionRepository(ddb, table),
            restart_erasure=lambda deletion_id, attempt: restarted.append(deletion_id),
            imports=DynamoImportRepository(ddb, table),
        ),
        ddb,
    )


def test_retention_cost_does_not_grow_with_the_table(local_stack: Any) -> None:
    table = f"crm-retention-{secrets.token_hex(3)}"
    local_stack.create_table_like_spec(table)
    jobs, ddb = _retention_on(local_stack, table, [])
    _fill(local_stack, table, 1_000)
    assert retention.run_retention(jobs) == {}
    small = list(ddb.calls)
    ddb.calls.clear()
    _fill(local_stack, table, 49_000, start=1_000)
    assert retention.run_retention(jobs) == {}
    assert ddb.calls == small
    assert small == ["query"] * resources.RETENTION_LOOKBACK_DAYS
    assert "scan" not in small


def test_uploads_never_completed_are_deleted_after_a_day(user: TestUser, local_stack: Any) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    body = {"filename": "abandoned.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    abandoned = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body).json()
    upload_file(abandoned["upload"], PDF_BYTES)  # uploaded, but never completed
    completed = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body).json()
    upload_file(completed["upload"], PDF_BYTES)
    user.api.post(f"/v1/files/{completed['file_id']}/complete")

    jobs, _ = _retention_on(local_stack, local_stack.table_name, [])
    assert retention.run_retention(jobs).get("uploads_expired", 0) == 0  # not yet a day old
    tomorrow = datetime.now(UTC) + timedelta(hours=25)
    assert retention.run_retention(jobs, now=tomorrow)["uploads_expired"] >= 1

    info = user.api.get(f"/v1/files/{abandoned['file_id']}").json()
    assert (info["status"], info["rejection"]) == ("rejected", "upload_expired")
    lead_prefix = f"users/{user.user_id}/leads/{lead['lead_id']}/"
    assert object_versions(local_stack, lead_prefix + abandoned["file_id"][26:]) == []
    assert len(object_versions(local_stack, lead_prefix + completed["file_id"][26:])) == 1
    assert retention.run_retention(jobs, now=tomorrow).get("uploads_expired", 0) == 0  # done once


def test_a_re_post_after_completion_is_deleted_once_every_form_has_expired(user: TestUser, local_stack: Any) -> None:
    """A version posted after completion is never served (downloads name the verified version),
    but it would make the verified one noncurrent, and the uploads bucket's lifecycle expires
    noncurrent versions after a day: the retention job deletes it once no form can post again."""
    lead = user.api.post("/v1/leads", json=new_lead_body()).json()
    body = {"filename": "late.pdf", "content_type": "application/pdf", "size": len(PDF_BYTES)}
    announced = user.api.post(f"/v1/leads/{lead['lead_id']}/files", json=body).json()
    upload_file(announced["upload"], PDF_BYTES)
    assert user.api.post(f"/v1/files/{announced['file_id']}/complete").json()["status"] == "ready"
    late = b"%PDF-1.4 but not the file that was checked".ljust(len(PDF_BYTES), b" ")
    assert upload_file(announced["upload"], late).status_code == 204
    key = f"users/{user.user_id}/leads/{lead['lead_id']}/{announced['file_id'][26:]}"
    assert len(object_versions(local_stack, key)) == 2

    jobs, _ = _retention_on(local_stack, local_stack.table_name, [])
    retention.run_retention(jobs)  # the form could still post: nothing to do yet
    assert len(object_versions(local_stack, key)) == 2
    forms_expired = datetime.now(UTC) + timedelta(minutes=12)
    assert retention.run_retention(jobs, now=forms_expired)["ready_files_swept"] >= 1

    assert len(object_versions(local_stack, key)) == 1
    s3 = local_stack.client("s3")
    assert s3.get_object(Bucket=local_stack.bucket_names["uploads"], Key=key)["Body"].read() == PDF_BYTES  # current
    info = user.api.get(f"/v1/files/{announced['file_id']}").json()
    assert requests.get(info["download_url"], timeout=30).content == PDF_BYTES
    assert "ready_files_swept" not in retention.run_retention(jobs, now=forms_expired)  # done once


def test_stuck_erasures_are_restarted(make_user: Callable[[], TestUser], local_stack: Any) -> None:
    user = make_user()
    deletion_id = "stuck-" + secrets.token_urlsafe(16)
    DeletionRepository(local_stack.client("dynamodb"), local_stack.table_name).schedule(
        deletion_id, user.user_id, "hash", datetime.now(UTC)
    )
    restarted: list[str] = []
    jobs, _ = _retention_on(local_stack, local_stack.table_name, restarted)
    retention.run_retention(jobs)
    assert deletion_id not in restarted  # requested just now: not stuck
    retention.run_retention(jobs, now=datetime.now(UTC) + timedelta(hours=1))
    assert deletion_id in restarted


def test_a_restored_backup_does_not_bring_a_deleted_account_back(
    make_user: Callable[[], TestUser], api: Api, local_stack: Any
) -> None:
    deleted, kept = make_user(), make_user()
    populate(deleted, leads=3)
    populate(kept, leads=2)
    bucket = local_stack.bucket_names["backups"]
    prefix = start_backup(
        local_stack.client("dynamodb"),
        f"arn:aws:dynamodb:{local_stack.region}:123456789012:table/{local_stack.table_name}",
        bucket,
        local_stack.kms_key_arn,
        datetime.now(UTC),
    )
    time.sleep(0.5)  # moto writes the export in the background
    wait_for_erasure(api, delete_account(deleted))

    restored = f"crm-restored-{secrets.token_hex(3)}"
    local_stack.create_table_like_spec(restored)
    assert restore_export(local_stack.client("s3"), local_stack.client("dynamodb"), bucket, prefix, restored) > 0

    def partition(user_id: str) -> int:
        response = local_stack.client("dynamodb").query(
            TableName=restored,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        )
        return len(response["Items"])

    assert partition(deleted.user_id) > 0  # the backup predates the deletion
    kept_before = partition(kept.user_id)
    erased = reapply_receipts(deletions(), receipt_hasher(), local_stack.client("dynamodb"), restored)
    assert erased >= 1
    assert partition(deleted.user_id) == 0
    assert partition(kept.user_id) == kept_before


def test_abandoned_imports_and_expired_oauth_states_are_purged(user: TestUser, local_stack: Any) -> None:
    started = start_import(user, DEMO_SPREADSHEET_ID)  # the user never comes back from consent
    client = local_stack.client("dynamodb")

    def states_of_user() -> list[Any]:
        pages = client.get_paginator("scan").paginate(TableName=local_stack.table_name)
        return [
            item
            for page in pages
            for item in page["Items"]
            if item["pk"]["S"].startswith("OAUTHSTATE#") and item.get("user_id", {}).get("S") == user.user_id
        ]

    assert len(states_of_user()) == 1
    jobs, _ = _retention_on(local_stack, local_stack.table_name, [])
    assert retention.run_retention(jobs).get("imports_abandoned", 0) == 0  # still within its 10 minutes
    later = datetime.now(UTC) + timedelta(minutes=20)
    done = retention.run_retention(jobs, now=later)
    assert done["oauth_states_purged"] >= 1
    assert done["imports_abandoned"] >= 1
    assert states_of_user() == []
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert (job["status"], job["error_code"]) == ("failed", "abandoned")


def test_an_undo_whose_workflow_died_is_ended_once_its_lease_expires(user: TestUser, local_stack: Any) -> None:
    """The undo workflow is gone (a crash, a deleted execution) and the job says `undoing`: after
    the lease's expiry the retention job marks it `undo_failed` and frees the user's lease."""
    from shared.imports.step_wiring import worker_dependencies
    from shared.imports.undo import UNDO_LEASE_SECONDS

    imports = worker_dependencies().jobs
    import_id, at = str(ULID()), datetime.now(UTC)
    imports.create(user.user_id, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", at))
    assert imports.begin(user.user_id, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, at)
    imports.transition(user.user_id, import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, at)
    imports.end(user.user_id, import_id)
    undoing = imports.begin(
        user.user_id, import_id, ImportStatus.SUCCEEDED, ImportStatus.UNDOING, at, lease_s=UNDO_LEASE_SECONDS
    )
    assert undoing == "begun"
    jobs, _ = _retention_on(local_stack, local_stack.table_name, [])
    assert retention.run_retention(jobs).get("imports_abandoned", 0) == 0  # the lease still holds
    expired = at + timedelta(seconds=UNDO_LEASE_SECONDS + 60)
    assert retention.run_retention(jobs, now=expired)["imports_abandoned"] >= 1
    job = user.api.get(f"/v1/imports/{import_id}").json()
    assert (job["status"], job["error_code"]) == ("undo_failed", "abandoned")
    assert imports.lease_holder(user.user_id, at) is None
    assert imports.user_of(import_id) is None
