"""Lead storage in the single DynamoDB table.

Key design (the table's layout: shared/core/layout.py): a lead is ``pk = USER#<user_id>``,
``sk = LEAD#<lead_id>``, with sparse keys-only GSIs ``by_phone`` (``phone_pk =
USER#<uid>#PHONE#<e164>``) and ``by_email`` (``email_pk = USER#<uid>#EMAIL#<email>``), both with
``LEAD#<lead_id>`` as the index sort key. ``lead_id`` is a ULID: sorting ``sk`` sorts leads by
creation time. ``version`` counts the lead's writes (1 when created) for optimistic concurrency
(shared/core/versions.py); ``changed_ms`` stamps every write for delta sync (shared/sync/changes.py),
and a deletion leaves a tombstone. Leads created by an import have deterministic ids (shared/imports/lead_ids.py), so
a re-run chunk rewrites the same items instead of adding new ones.

Access patterns (calls per request):
1. create lead ............ PutItem, condition attribute_not_exists(pk) ................ 1
2. get lead ............... GetItem(USER#caller, LEAD#id): another user's id is simply absent 1
3. list leads, newest first Query pk = USER#caller AND begins_with(sk, "LEAD#"), desc ..... 1/page
4. search leads (q) ....... pattern 3 + FilterExpression on lower-cased search fields ..... ≤ 5/page
5. update lead ............ UpdateItem, condition attribute_exists(pk) [AND version IN (If-Match)],
                            ADD version 1, ALL_NEW .......................................... 1
6. delete lead ............ TransactWriteItems: Delete (condition as 5) + Put tombstone ....... 1
7. leads by phone ......... Query by_phone: phone_pk = USER#caller#PHONE#<e164> ............ 1
8. leads by email ......... Query by_email: email_pk = USER#caller#EMAIL#<email> ........... 1
9. many leads at once ..... BatchWriteItem, 25 a call (+ retries of UnprocessedItems) ..... n/25
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from botocore.exceptions import ClientError

from shared import resources
from shared.core.dynamodb import (
    DEFAULT_BACKOFF,
    BatchStats,
    batch_write,
    cancelled_by_condition,
    conditional,
    deser,
    key,
    query,
    ser,
    to_item,
)
from shared.core.layout import LEAD_PREFIX, user_pk
from shared.core.retry import Backoff
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.sync.changes import CHANGE_ATTR, change_stamp, tombstone_item

# Lower-cased copies kept for ?q= search; each is a separate attribute so a PATCH stays one call.
SEARCH_FIELDS = {"name": "s_name", "company": "s_company", "email": "s_email", "phone": "s_phone"}
# Most pages a filtered (?q=) listing reads before it returns what it has with a cursor.
MAX_FILTERED_PAGES = 5


def lead_sk(lead_id: str) -> str:
    return f"{LEAD_PREFIX}{lead_id}"


def lead_id_from_sk(sk: str) -> str:
    return sk.removeprefix(LEAD_PREFIX)


def lead_key(user_id: str, lead_id: str) -> dict[str, Any]:
    return key(user_pk(user_id), lead_sk(lead_id))


def phone_pk(user_id: str, e164: str) -> str:
    return f"{user_pk(user_id)}#PHONE#{e164}"


def email_pk(user_id: str, email: str) -> str:
    return f"{user_pk(user_id)}#EMAIL#{email.lower()}"


class LeadUnreachable(Exception):
    """The change would leave a lead with neither phone nor email."""


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
    version: int = 1


@dataclass
class LeadPageRecord:
    items: list[LeadRecord]
    last_lead_id: str | None  # where the next page starts, or None at the end


class LeadRepository(Protocol):
    def create(self, user_id: str, lead: LeadRecord) -> None: ...
    def get(self, user_id: str, lead_id: str) -> LeadRecord | None: ...
    def page(self, user_id: str, limit: int, after: str | None, query: str | None) -> LeadPageRecord: ...
    def update(
        self,
        user_id: str,
        lead_id: str,
        changes: dict[str, Any],
        updated_at: datetime,
        expected: Precondition = NO_PRECONDITION,
    ) -> LeadRecord | None:
        """None when the lead does not exist; raises VersionMismatch when ``expected`` does not
        allow its version, LeadUnreachable when the change would leave it with neither phone nor
        email."""
        ...

    def delete(self, user_id: str, lead_id: str, expected: Precondition = NO_PRECONDITION) -> bool:
        """False when the lead does not exist; raises VersionMismatch as ``update`` does."""
        ...

    def find_by_phone(self, user_id: str, e164: str) -> list[str]: ...
    def find_by_email(self, user_id: str, email: str) -> list[str]: ...
    def put_many(self, user_id: str, leads: Sequence[LeadRecord]) -> BatchStats: ...


def lead_item(user_id: str, lead: LeadRecord) -> dict[str, Any]:
    """The DynamoDB item of a lead: attributes, lower-cased search copies, GSI keys.

    Built directly in DynamoDB's attribute-value form (every value is a string or a list of
    strings): the bulk import writes thousands of these, and TypeSerializer costs ~4 µs a value.
    """
    item: dict[str, Any] = {
        "pk": {"S": user_pk(user_id)},
        "sk": {"S": lead_sk(lead.lead_id)},
        "name": {"S": lead.name},
        "source": {"S": str(lead.source)},
        "tags": {"L": [{"S": tag} for tag in lead.tags]},
        "created_at": {"S": lead.created_at.isoformat()},
        "updated_at": {"S": lead.updated_at.isoformat()},
        "version": {"N": str(lead.version)},
        CHANGE_ATTR: {"N": str(change_stamp())},
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
        attrs["phone_pk"] = phone_pk(user_id, phone)
        attrs["phone_sk"] = lead_sk(lead_id)
    if email:
        attrs["email_pk"] = email_pk(user_id, email)
        attrs["email_sk"] = lead_sk(lead_id)
    return attrs


def _search_value(field_name: str, value: Any) -> str:
    text = str(value).lower()
    return text.lstrip("+") if field_name == "phone" else text


def to_lead_record(item: dict[str, Any]) -> LeadRecord:
    plain = {k: deser(v) for k, v in item.items()}
    return LeadRecord(
        lead_id=lead_id_from_sk(plain["sk"]),
        name=plain["name"],
        source=plain["source"],
        created_at=datetime.fromisoformat(plain["created_at"]),
        updated_at=datetime.fromisoformat(plain["updated_at"]),
        phone=plain.get("phone"),
        email=plain.get("email"),
        company=plain.get("company"),
        notes=plain.get("notes"),
        tags=list(plain.get("tags") or []),
        version=int(plain.get("version", 1)),
    )


def version_condition(expected: Precondition, values: dict[str, Any]) -> str:
    """`` AND version IN (…)`` for an If-Match, with its values added to ``values``."""
    if expected.versions is None:
        return ""
    names = []
    for i, version in enumerate(sorted(expected.versions)):
        values[f":v{i}"] = {"N": str(version)}
        names.append(f":v{i}")
    return f" AND version IN ({', '.join(names)})"


class DynamoLeadRepository:
    """Integrations: DynamoDB (PutItem, BatchWriteItem, GetItem, Query, UpdateItem, DeleteItem)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def create(self, user_id: str, lead: LeadRecord) -> None:
        self._db.put_item(
            TableName=self._table, Item=lead_item(user_id, lead), ConditionExpression="attribute_not_exists(pk)"
        )

    def put_many(self, user_id: str, leads: Sequence[LeadRecord], backoff: Backoff = DEFAULT_BACKOFF) -> BatchStats:
        """Write ``leads`` (overwriting items with the same id) with BatchWriteItem, 25 per call.

        A batch still unprocessed after the backoff's last attempt raises
        :class:`~shared.core.dynamodb.UnprocessedItems`; the caller's retry rewrites the same
        ids, so nothing is duplicated.
        """
        requests = [{"PutRequest": {"Item": lead_item(user_id, lead)}} for lead in leads]
        return batch_write(self._db, self._table, requests, backoff)

    def get(self, user_id: str, lead_id: str) -> LeadRecord | None:
        item = self._db.get_item(TableName=self._table, Key=lead_key(user_id, lead_id)).get("Item")
        return to_lead_record(item) if item else None

    def page(self, user_id: str, limit: int, after: str | None, query: str | None) -> LeadPageRecord:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":prefix": ser(LEAD_PREFIX)},
            "ScanIndexForward": False,
        }
        if query:
            names = {f"#s{i}": attr for i, attr in enumerate(SEARCH_FIELDS.values())}
            params["FilterExpression"] = " OR ".join(f"contains({name}, :q)" for name in names)
            params["ExpressionAttributeNames"] = names
            params["ExpressionAttributeValues"][":q"] = ser(query.lower().lstrip("+"))
        start_key = lead_key(user_id, after) if after else None
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
        return LeadPageRecord(items, lead_id_from_sk(start_key["sk"]["S"]))

    def update(
        self,
        user_id: str,
        lead_id: str,
        changes: dict[str, Any],
        updated_at: datetime,
        expected: Precondition = NO_PRECONDITION,
    ) -> LeadRecord | None:
        sets: list[str] = ["#updated_at = :updated_at", f"{CHANGE_ATTR} = :changed"]
        removes: list[str] = []
        names: dict[str, str] = {"#updated_at": "updated_at"}
        values: dict[str, Any] = {":updated_at": ser(updated_at.isoformat()), ":one": {"N": "1"}}

        def assign(attr: str, value: Any) -> None:
            names[f"#{attr}"] = attr
            if value is None:
                removes.append(f"#{attr}")
            else:
                values[f":{attr}"] = ser(value)
                sets.append(f"#{attr} = :{attr}")

        for name, value in changes.items():
            assign(name, value)
            if name in SEARCH_FIELDS:
                assign(SEARCH_FIELDS[name], _search_value(name, value) if value else None)
        if "phone" in changes:
            phone = changes["phone"]
            assign("phone_pk", phone_pk(user_id, phone) if phone else None)
            assign("phone_sk", lead_sk(lead_id) if phone else None)
        if "email" in changes:
            email = changes["email"]
            assign("email_pk", email_pk(user_id, email) if email else None)
            assign("email_sk", lead_sk(lead_id) if email else None)

        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        expression += " ADD version :one"
        condition = "attribute_exists(pk)" + version_condition(expected, values)
        # A lead must stay reachable: clearing one contact field requires the other to remain.
        for cleared, other in (("phone", "email"), ("email", "phone")):
            if cleared in changes and changes[cleared] is None and not changes.get(other):
                condition += f" AND attribute_exists({other})"  # not reserved words
        values[":changed"] = {"N": str(change_stamp())}
        written = conditional(
            self._db.update_item,
            TableName=self._table,
            Key=lead_key(user_id, lead_id),
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        if not written:
            if not written.old_item:
                return None
            current = int(written.old_item.get("version", {}).get("N", "1"))
            if not expected.allows(current):
                raise VersionMismatch(current)
            raise LeadUnreachable()  # it exists at an allowed version: reachability failed
        return to_lead_record(written.response["Attributes"])

    def delete(self, user_id: str, lead_id: str, expected: Precondition = NO_PRECONDITION) -> bool:
        """The lead and its tombstone in one transaction: another device learns of every deletion."""
        values: dict[str, Any] = {}
        delete: dict[str, Any] = {
            "TableName": self._table,
            "Key": lead_key(user_id, lead_id),
            "ConditionExpression": "attribute_exists(pk)" + version_condition(expected, values),
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if values:
            delete["ExpressionAttributeValues"] = values
        tombstone = {"TableName": self._table, "Item": to_item(tombstone_item(user_id, "lead", lead_id))}
        try:
            self._db.transact_write_items(TransactItems=[{"Delete": delete}, {"Put": tombstone}])
        except ClientError as exc:
            if not cancelled_by_condition(exc, 0):
                raise
            old = (exc.response.get("CancellationReasons") or [{}])[0].get("Item")
            if not old:
                return False
            raise VersionMismatch(int(old.get("version", {}).get("N", "1"))) from None
        return True

    def _find(self, index: str, key_attr: str, key_value: str) -> list[str]:
        items = query(
            self._db,
            TableName=self._table,
            IndexName=index,
            KeyConditionExpression="#k = :v",
            ExpressionAttributeNames={"#k": key_attr},
            ExpressionAttributeValues={":v": ser(key_value)},
        )
        return [lead_id_from_sk(item["sk"]["S"]) for item in items]

    def find_by_phone(self, user_id: str, e164: str) -> list[str]:
        return self._find(_index_name("phone_pk"), "phone_pk", phone_pk(user_id, e164))

    def find_by_email(self, user_id: str, email: str) -> list[str]:
        return self._find(_index_name("email_pk"), "email_pk", email_pk(user_id, email))


def _index_name(partition_key: str) -> str:
    return next(i.name for i in resources.TABLE.indexes if i.partition_key == partition_key)
