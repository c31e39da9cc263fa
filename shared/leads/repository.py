"""Lead storage in the single DynamoDB table (key design: shared/core/table.py)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from shared import resources
from shared.core import table as keys

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# Lower-cased copies kept for ?q= search; each is a separate attribute so a PATCH stays one call.
SEARCH_FIELDS = {"name": "s_name", "company": "s_company", "email": "s_email", "phone": "s_phone"}
LEAD_FIELDS = (
    "name",
    "phone",
    "email",
    "company",
    "notes",
    "tags",
    "source",
    "created_at",
    "updated_at",
)
# Most pages a filtered (?q=) listing reads before it returns what it has with a cursor.
MAX_FILTERED_PAGES = 5


# BatchWriteItem takes at most 25 requests; unprocessed ones are retried with backoff.
BATCH_WRITE_MAX = 25
BATCH_MAX_ATTEMPTS = 8
BATCH_BASE_DELAY_S = 0.05
BATCH_MAX_DELAY_S = 2.0


class LeadUnreachable(Exception):
    """The change would leave a lead with neither phone nor email."""


class LeadWriteThrottled(Exception):
    """DynamoDB left part of a batch unprocessed after every retry (throttling)."""


@dataclass
class BatchWriteStats:
    calls: int = 0
    retried_items: int = 0


@dataclass
class LeadRecord:
    lead_id: str
    name: str
    source: str
    created_at: datetime
    updated_at: datetime
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class LeadPageRecord:
    items: list[LeadRecord]
    last_lead_id: str | None  # where the next page starts, or None at the end


class LeadRepository(Protocol):
    def create(self, user_id: str, lead: LeadRecord) -> None: ...
    def get(self, user_id: str, lead_id: str) -> LeadRecord | None: ...
    def page(self, user_id: str, limit: int, after: str | None, query: str | None) -> LeadPageRecord: ...
    def update(self, user_id: str, lead_id: str, changes: dict[str, Any], updated_at: datetime) -> LeadRecord | None:
        """None when the lead does not exist; raises LeadUnreachable when the change would leave it
        with neither phone nor email."""
        ...

    def delete(self, user_id: str, lead_id: str) -> bool: ...
    def find_by_phone(self, user_id: str, e164: str) -> list[str]: ...
    def find_by_email(self, user_id: str, email: str) -> list[str]: ...
    def put_many(self, user_id: str, leads: Sequence[LeadRecord]) -> BatchWriteStats: ...


def _ser(value: Any) -> dict[str, Any]:
    return _serializer.serialize(value)


def lead_item(user_id: str, lead: LeadRecord) -> dict[str, Any]:
    """The DynamoDB item of a lead: attributes, lower-cased search copies, GSI keys.

    Built directly in DynamoDB's attribute-value form (every value is a string or a list of
    strings): the bulk import writes thousands of these, and TypeSerializer costs ~4 µs a value.
    """
    item: dict[str, Any] = {
        "pk": {"S": keys.user_pk(user_id)},
        "sk": {"S": keys.lead_sk(lead.lead_id)},
        "name": {"S": lead.name},
        "source": {"S": str(lead.source)},
        "tags": {"L": [{"S": tag} for tag in lead.tags]},
        "created_at": {"S": lead.created_at.isoformat()},
        "updated_at": {"S": lead.updated_at.isoformat()},
    }
    for name in ("phone", "email", "company", "notes"):
        value = getattr(lead, name)
        if value is not None:
            item[name] = {"S": value}
    for name, attr in SEARCH_FIELDS.items():
        value = getattr(lead, name)
        if value:
            item[attr] = {"S": _search_value(name, value)}
    item.update({k: {"S": v} for k, v in _index_keys(user_id, lead.lead_id, lead.phone, lead.email).items()})
    return item


def _index_keys(user_id: str, lead_id: str, phone: str | None, email: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if phone:
        attrs["phone_pk"] = keys.phone_pk(user_id, phone)
        attrs["phone_sk"] = keys.lead_sk(lead_id)
    if email:
        attrs["email_pk"] = keys.email_pk(user_id, email)
        attrs["email_sk"] = keys.lead_sk(lead_id)
    return attrs


def _search_value(field_name: str, value: Any) -> str:
    text = str(value).lower()
    return text.lstrip("+") if field_name == "phone" else text


def to_lead_record(item: dict[str, Any]) -> LeadRecord:
    plain = {k: _deserializer.deserialize(v) for k, v in item.items()}
    return LeadRecord(
        lead_id=keys.lead_id_from_sk(plain["sk"]),
        name=plain["name"],
        source=plain["source"],
        created_at=datetime.fromisoformat(plain["created_at"]),
        updated_at=datetime.fromisoformat(plain["updated_at"]),
        phone=plain.get("phone"),
        email=plain.get("email"),
        company=plain.get("company"),
        notes=plain.get("notes"),
        tags=list(plain.get("tags") or []),
    )


class DynamoLeadRepository:
    """Integrations: DynamoDB (PutItem, BatchWriteItem, GetItem, Query, UpdateItem, DeleteItem)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def create(self, user_id: str, lead: LeadRecord) -> None:
        self._db.put_item(
            TableName=self._table,
            Item=lead_item(user_id, lead),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def put_many(
        self,
        user_id: str,
        leads: Sequence[LeadRecord],
        *,
        max_attempts: int = BATCH_MAX_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> BatchWriteStats:
        """Write ``leads`` (overwriting items with the same id) with BatchWriteItem, 25 per call.

        UnprocessedItems are sent again after an exponential, fully jittered delay; a batch still
        unprocessed after ``max_attempts`` raises :class:`LeadWriteThrottled` (the caller's retry
        rewrites the same ids, so nothing is duplicated).
        """
        stats = BatchWriteStats()
        for start in range(0, len(leads), BATCH_WRITE_MAX):
            group = leads[start : start + BATCH_WRITE_MAX]
            pending = [{"PutRequest": {"Item": lead_item(user_id, lead)}} for lead in group]
            attempt = 0
            while pending:
                response = self._db.batch_write_item(RequestItems={self._table: pending})
                stats.calls += 1
                pending = response.get("UnprocessedItems", {}).get(self._table, [])
                if not pending:
                    break
                attempt += 1
                stats.retried_items += len(pending)
                if attempt >= max_attempts:
                    raise LeadWriteThrottled()
                sleep(random.uniform(0, min(BATCH_MAX_DELAY_S, BATCH_BASE_DELAY_S * 2**attempt)))  # noqa: S311
        return stats

    def get(self, user_id: str, lead_id: str) -> LeadRecord | None:
        response = self._db.get_item(
            TableName=self._table,
            Key={"pk": _ser(keys.user_pk(user_id)), "sk": _ser(keys.lead_sk(lead_id))},
        )
        item = response.get("Item")
        return to_lead_record(item) if item else None

    def page(self, user_id: str, limit: int, after: str | None, query: str | None) -> LeadPageRecord:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {
                ":pk": _ser(keys.user_pk(user_id)),
                ":prefix": _ser(keys.LEAD_PREFIX),
            },
            "ScanIndexForward": False,
        }
        if query:
            names = {f"#s{i}": attr for i, attr in enumerate(SEARCH_FIELDS.values())}
            params["FilterExpression"] = " OR ".join(f"contains({name}, :q)" for name in names)
            params["ExpressionAttributeNames"] = names
            params["ExpressionAttributeValues"][":q"] = _ser(query.lower().lstrip("+"))
        start_key = {"pk": _ser(keys.user_pk(user_id)), "sk": _ser(keys.lead_sk(after))} if after else None
        items: list[LeadRecord] = []
        pages = MAX_FILTERED_PAGES if query else 1
        for _ in range(pages):
            # Without a filter, Limit is exact; with one, read a fuller page and stop at `limit`.
            params["Limit"] = limit if not query else max(limit * 4, 100)
            if start_key:
                params["ExclusiveStartKey"] = start_key
            response = self._db.query(**params)
            for raw in response.get("Items", []):
                items.append(to_lead_record(raw))
                if len(items) == limit:
                    # Resume after the last returned lead; the next page re-reads nothing else.
                    more = raw is not response["Items"][-1] or "LastEvaluatedKey" in response
                    return LeadPageRecord(items, items[-1].lead_id if more else None)
            start_key = response.get("LastEvaluatedKey")
            if not start_key:
                return LeadPageRecord(items, None)
        assert start_key is not None
        return LeadPageRecord(items, keys.lead_id_from_sk(start_key["sk"]["S"]))

    def update(self, user_id: str, lead_id: str, changes: dict[str, Any], updated_at: datetime) -> LeadRecord | None:
        sets: list[str] = ["#updated_at = :updated_at"]
        removes: list[str] = []
        names: dict[str, str] = {"#updated_at": "updated_at"}
        values: dict[str, Any] = {":updated_at": _ser(updated_at.isoformat())}

        def assign(attr: str, value: Any) -> None:
            names[f"#{attr}"] = attr
            if value is None:
                removes.append(f"#{attr}")
            else:
                values[f":{attr}"] = _ser(value)
                sets.append(f"#{attr} = :{attr}")

        for name, value in changes.items():
            assign(name, value)
            if name in SEARCH_FIELDS:
                assign(SEARCH_FIELDS[name], _search_value(name, value) if value else None)
        if "phone" in changes:
            phone = changes["phone"]
            assign("phone_pk", keys.phone_pk(user_id, phone) if phone else None)
            assign("phone_sk", keys.lead_sk(lead_id) if phone else None)
        if "email" in changes:
            email = changes["email"]
            assign("email_pk", keys.email_pk(user_id, email) if email else None)
            assign("email_sk", keys.lead_sk(lead_id) if email else None)

        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        condition = "attribute_exists(pk)"
        # A lead must stay reachable: clearing one contact field requires the other to remain.
        for cleared, other in (("phone", "email"), ("email", "phone")):
            if cleared in changes and changes[cleared] is None and not changes.get(other):
                condition += f" AND attribute_exists({other})"  # not reserved words
        try:
            response = self._db.update_item(
                TableName=self._table,
                Key={"pk": _ser(keys.user_pk(user_id)), "sk": _ser(keys.lead_sk(lead_id))},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                if exc.response.get("Item"):
                    raise LeadUnreachable() from None
                return None
            raise
        return to_lead_record(response["Attributes"])

    def delete(self, user_id: str, lead_id: str) -> bool:
        try:
            self._db.delete_item(
                TableName=self._table,
                Key={"pk": _ser(keys.user_pk(user_id)), "sk": _ser(keys.lead_sk(lead_id))},
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _find(self, index: str, key_attr: str, key_value: str) -> list[str]:
        response = self._db.query(
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression="#k = :v",
            ExpressionAttributeNames={"#k": key_attr},
            ExpressionAttributeValues={":v": _ser(key_value)},
        )
        return [keys.lead_id_from_sk(item["sk"]["S"]) for item in response.get("Items", [])]

    def find_by_phone(self, user_id: str, e164: str) -> list[str]:
        return self._find(_index_name("phone_pk"), "phone_pk", keys.phone_pk(user_id, e164))

    def find_by_email(self, user_id: str, email: str) -> list[str]:
        return self._find(_index_name("email_pk"), "email_pk", keys.email_pk(user_id, email))


def _index_name(partition_key: str) -> str:
    return next(i.name for i in resources.TABLE.indexes if i.partition_key == partition_key)


def utcnow() -> datetime:
    return datetime.now(UTC)
