"""Disaster recovery: load a backup export, then keep deleted accounts deleted.

A backup taken before an account was deleted still holds it. After a restore,
:func:`reapply_receipts` erases again every account whose deletion receipt exists, so a restore
cannot bring a deleted account back. Operator code only (``python -m ops``), run on a
restored copy; no request handler or scheduled job imports this module.

Integrations: DynamoDB (BatchWriteItem, Query; one Scan of the restored copy), S3 (ListObjectsV2,
GetObject), KMS (GenerateMac, through the receipt hasher).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from typing import Any

from shared.core.dynamodb import batch_delete, batch_write, in_pages, query_partition
from shared.core.layout import USER_PREFIX, user_id_from_pk, user_pk
from shared.erasure.repository import DeletionRepository
from shared.privacy import get_logger

logger = get_logger()


def _export_items(s3: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    """Items of an export: every ``data/*.gz`` file under ``prefix``, one JSON item per line."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
        for entry in page.get("Contents", []):
            if "/data/" not in entry["Key"] or not entry["Key"].endswith(".gz"):
                continue
            body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            for line in gzip.decompress(body).decode().splitlines():
                if line.strip():
                    yield json.loads(line)["Item"]


def restore_export(s3: Any, dynamodb: Any, bucket: str, prefix: str, target_table: str) -> int:
    """Load an export into ``target_table`` (an empty table with the same key schema)."""
    batch: list[dict[str, Any]] = []
    restored = 0
    for item in _export_items(s3, bucket, prefix):
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 500:
            batch_write(dynamodb, target_table, batch)
            restored += len(batch)
            batch = []
    if batch:
        batch_write(dynamodb, target_table, batch)
        restored += len(batch)
    return restored


def _user_ids_in(dynamodb: Any, table: str) -> set[str]:
    """Every user with a partition in a restored table. A Scan, the only way to list partitions
    (receipts hold keyed hashes, not ids): once per restore, by an operator, on the copy."""
    users: set[str] = set()
    params: dict[str, Any] = {"TableName": table, "ProjectionExpression": "pk"}
    while True:
        response = dynamodb.scan(**params)
        for item in response.get("Items", []):
            pk = item["pk"]["S"]
            if pk.startswith(USER_PREFIX):
                users.add(user_id_from_pk(pk))
        if "LastEvaluatedKey" not in response:
            return users
        params["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def reapply_receipts(
    deletions: DeletionRepository, hash_user: Callable[[str], str], dynamodb: Any, restored_table: str
) -> int:
    """Erase from ``restored_table`` every account that has a deletion record (completed or not).
    Receipts hold only a keyed hash, so each restored user id is hashed and looked up."""
    erased_hashes = {record["user_hash"] for record in deletions.receipts()}
    erased = 0
    for user_id in _user_ids_in(dynamodb, restored_table):
        if hash_user(user_id) not in erased_hashes:
            continue
        for page in in_pages(query_partition(dynamodb, restored_table, user_pk(user_id), "pk, sk"), 1000):
            batch_delete(dynamodb, restored_table, page)
        erased += 1
    logger.info("receipts re-applied", extra={"accounts_erased_again": erased})
    return erased
