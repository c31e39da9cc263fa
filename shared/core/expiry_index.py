"""The expiry index (GSI ``by_due``): how retention jobs find work without scanning the table.

An item with something due carries ``due_pk = DUE#<yyyy-mm-dd>`` and ``due_sk = <due ISO time>``;
finishing the work removes both, so the index holds only what is still due. A job reads one
Query per day of its look-back window: its cost follows the work due, never the table's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from shared import resources
from shared.core.dynamodb import query, ser

DUE_INDEX = next(index.name for index in resources.TABLE.indexes if index.partition_key == "due_pk")
DUE_ATTRS = ("due_pk", "due_sk")


def due_attrs(due_at: datetime) -> dict[str, str]:
    return {"due_pk": f"DUE#{due_at.date().isoformat()}", "due_sk": due_at.isoformat()}


def due_keys(client: Any, table: str, now: datetime, lookback_days: int) -> Iterator[dict[str, Any]]:
    """Keys (pk, sk) of every item due at or before ``now``, oldest day first."""
    for days_ago in range(lookback_days - 1, -1, -1):
        day = (now - timedelta(days=days_ago)).date().isoformat()
        yield from query(
            client,
            TableName=table,
            IndexName=DUE_INDEX,
            KeyConditionExpression="due_pk = :day AND due_sk <= :now",
            ExpressionAttributeValues={":day": ser(f"DUE#{day}"), ":now": ser(now.isoformat())},
        )
