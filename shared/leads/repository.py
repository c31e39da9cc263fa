"""Lead storage in the single DynamoDB table, with the contact items that index it.

Key design (the table's layout: shared/core/layout.py): a lead is ``pk = USER#<user_id>``,
``sk = LEAD#<lead_id>``; each of its phone and email has a contact item in the same partition
(shared/leads/contacts.py), written, moved and deleted in the same transaction as the lead.
``lead_id`` is a ULID: sorting ``sk`` sorts leads by creation time. ``version`` counts the lead's
writes (1 when created) for optimistic concurrency (shared/core/versions.py); ``changed_ms``
stamps every write for delta sync (shared/sync/changes.py), and a deletion leaves a tombstone.
Leads created by an import have deterministic ids (shared/imports/lead_ids.py), so a re-run chunk
rewrites the same items instead of adding new ones.

Access patterns (calls per request):
1. create lead ............ TransactWriteItems: Put lead + Put each contact, none existing ... 1
2. get lead ............... GetItem(USER#caller, LEAD#id): another user's id is simply absent 1
3. list leads, newest first Query pk = USER#caller AND begins_with(sk, "LEAD#"), desc ..... 1/page
4. search leads (q) ....... pattern 3 + FilterExpression on lower-cased search fields ..... ≤ 5/page
5. update lead ............ UpdateItem, condition exists [AND version IN (If-Match)], ADD version
                            1, ALL_NEW; a new phone or email: GetItem + TransactWriteItems (the
                            lead at the version read, old contact items out, new ones in) .... 1-2
6. delete lead ............ GetItem + TransactWriteItems: Delete lead (at the version read),
                            its contact items, Put tombstone .............................. 2
7. leads by contact ....... BatchGetItem of contact items, consistent, 100 keys a call ..... n/100
8. many leads at once ..... BatchWriteItem of leads and their contact items, 25 a call
                            (+ retries of UnprocessedItems) .............................. n/25
9. leads of one import .... Query pk AND sk BETWEEN the import's first and last possible lead
                            id (they share a prefix: shared/imports/lead_ids.py) ......... 1/page
10. undo an import ........ TransactWriteItems per 25 leads: Delete lead (condition: still
                            ``imported_by`` that import), its contact items, Put tombstone . n/25
11. leads made in a time window (an import block's race check): Query sk BETWEEN the window's
                            smallest and largest ULID ...................................... 1
12. an import's lead yields to a racing create: TransactWriteItems (delete it, tombstone,
                            contact items to the created lead) ............................. 1
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from botocore.exceptions import ClientError

from shared.core.dynamodb import (
    DEFAULT_BACKOFF,
    BatchStats,
    batch_get,
    batch_write,
    cancelled_by_condition,
    conditional,
    deser,
    key,
    ser,
    to_item,
    transact_write,
)
from shared.core.layout import LEAD_PREFIX, user_pk
from shared.core.pacing import Pace
from shared.core.retry import Backoff
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.contacts import (
    ContactKey,
    contact_from_sk,
    contact_item,
    contact_item_key,
    contacts_of,
    distinct,
)
from shared.sync.changes import CHANGE_ATTR, change_stamp, tombstone_item, tombstone_sk

# Lower-cased copies kept for ?q= search; each is a separate attribute so a PATCH stays one call.
IMPORTED_BY = "imported_by"
REMOVED_BY = "removed_by"  # on the tombstone of a lead an import's undo removed
SEARCH_FIELDS = {"name": "s_name", "company": "s_company", "email": "s_email", "phone": "s_phone"}
# Most pages a filtered (?q=) listing reads before it returns what it has with a cursor.
MAX_FILTERED_PAGES = 5


def lead_sk(lead_id: str) -> str:
    return f"{LEAD_PREFIX}{lead_id}"


def lead_id_from_sk(sk: str) -> str:
    return sk.removeprefix(LEAD_PREFIX)


def lead_key(user_id: str, lead_id: str) -> dict[str, Any]:
    return key(user_pk(user_id), lead_sk(lead_id))


# How often a write that found the lead changed between its read and its transaction reads
# again (only without If-Match: with one, a changed lead is a 412).
RACE_RETRIES = 3
# Leads per TransactWriteItems when an import is undone: 4 items each (lead, tombstone, phone,
# email), 100 items a transaction.
TRANSACTION_LEADS = 25


class LeadUnreachable(Exception):
    """The change would leave a lead with neither phone nor email."""


class ContactTaken(Exception):
    """Another lead of the user has this phone or email (``owner``, the lead that has it)."""

    def __init__(self, contact: ContactKey, owner: str) -> None:
        super().__init__("contact taken")  # never the value: it is personal data
        self.contact = contact
        self.kind = contact[0]
        self.owner = owner


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
    # The import that wrote the lead and nobody has changed since: what its undo may remove.
    # Every other update clears it (shared/imports/undo.py).
    imported_by: str | None = None


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

    def owners(self, user_id: str, contacts: Sequence[ContactKey]) -> dict[ContactKey, str]:
        """The lead that has each of these phones and emails (absent: no lead has it)."""
        ...

    def put_many(self, user_id: str, leads: Sequence[LeadRecord]) -> BatchStats:
        """Leads and their contact items; the caller has made sure no other lead has those."""
        ...

    def in_id_range(self, user_id: str, first: str, last: str, after: str | None, limit: int) -> list[LeadRecord]:
        """Leads with ids from ``first`` to ``last`` (inclusive), after ``after``, in id order."""
        ...

    def remove_imported(self, user_id: str, import_id: str, leads: Sequence[LeadRecord]) -> list[str]:
        """Delete those of ``leads`` still as ``import_id`` wrote them, with their contact items and
        a tombstone each (marked ``removed_by`` the import); the ids deleted (a lead changed
        meanwhile is left alone)."""
        ...

    def created_between(self, user_id: str, start: datetime, end: datetime) -> list[LeadRecord]:
        """Leads whose ids were made from ``start`` to ``end`` (a ULID carries its creation time)."""
        ...

    def yield_contacts(self, user_id: str, import_id: str, loser: LeadRecord, winner: LeadRecord) -> bool:
        """An import's new lead turns out to share a phone or email with ``winner``, created by the
        user while the import's block was being written: remove ``loser`` (if still as the import
        wrote it) and give its contacts that ``winner`` has back to ``winner``, in one transaction."""
        ...

    def removed_in_range(self, user_id: str, import_id: str, first: str, after: str | None, last: str) -> int:
        """How many leads with ids from ``first`` (or after ``after``) to ``last`` ``remove_imported`` has deleted for
        ``import_id``, by their tombstones: the count survives a crash between removal and commit."""
        ...


def lead_item(user_id: str, lead: LeadRecord) -> dict[str, Any]:
    """The DynamoDB item of a lead: attributes and lower-cased search copies.

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
    for name in ("phone", "email", "company", "notes", IMPORTED_BY):
        value = getattr(lead, name)
        if value is not None:
            item[name] = {"S": value}
    for name, attr in SEARCH_FIELDS.items():
        value = getattr(lead, name)
        if value:
            item[attr] = {"S": _search_value(name, value)}
    return item


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
        imported_by=plain.get(IMPORTED_BY),
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


def _taken(exc: ClientError, contacts: Sequence[ContactKey], first: int) -> ContactTaken | None:
    """The contact (at transaction index ``first + i``) another lead holds, if that failed."""
    reasons = exc.response.get("CancellationReasons") or []
    for i, contact in enumerate(contacts):
        reason = reasons[first + i] if first + i < len(reasons) else {}
        if reason.get("Code") == "ConditionalCheckFailed":
            owner = (reason.get("Item") or {}).get("lead_id", {}).get("S", "")
            return ContactTaken(contact, owner)
    return None


class DynamoLeadRepository:
    """Integrations: DynamoDB (TransactWriteItems, BatchWriteItem, BatchGetItem, GetItem, Query,
    UpdateItem)."""

    def __init__(self, client: Any, table_name: str, write_in_flight: int = 1, pace: Pace | None = None) -> None:
        """``write_in_flight``: BatchWriteItem calls ``put_many`` makes at once (the import: 8);
        ``pace``: the write units a second ``put_many`` keeps to (shared/core/pacing.py)."""
        self._db = client
        self._table = table_name
        self._in_flight = write_in_flight
        self._pace = pace

    def _put_contact(self, user_id: str, contact: ContactKey, lead_id: str) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self._table,
                "Item": contact_item(user_id, contact, lead_id),
                "ConditionExpression": "attribute_not_exists(pk) OR lead_id = :lead",
                "ExpressionAttributeValues": {":lead": {"S": lead_id}},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        }

    def _delete_contact(self, user_id: str, contact: ContactKey) -> dict[str, Any]:
        return {"Delete": {"TableName": self._table, "Key": contact_item_key(user_id, contact)}}

    def create(self, user_id: str, lead: LeadRecord) -> None:
        """The lead and its contact items, or nothing: ContactTaken if another lead has one."""
        contacts = contacts_of(lead.phone, lead.email)
        put_lead = {
            "Put": {
                "TableName": self._table,
                "Item": lead_item(user_id, lead),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        try:
            transact_write(self._db, [put_lead, *(self._put_contact(user_id, c, lead.lead_id) for c in contacts)])
        except ClientError as exc:
            taken = _taken(exc, contacts, 1) if cancelled_by_condition(exc) else None
            if taken is not None:
                raise taken from None
            raise

    def put_many(self, user_id: str, leads: Sequence[LeadRecord], backoff: Backoff = DEFAULT_BACKOFF) -> BatchStats:
        """Write ``leads`` and their contact items (overwriting items with the same keys) with
        BatchWriteItem, 25 requests per call. The caller (the import) has checked that no other
        lead holds those contacts.

        A batch still unprocessed after the backoff's last attempt raises
        :class:`~shared.core.dynamodb.UnprocessedItems`; the caller's retry rewrites the same
        ids, so nothing is duplicated.
        """

        def requests() -> Iterator[dict[str, Any]]:  # built as the batches go out: memory stays flat
            for lead in leads:
                yield {"PutRequest": {"Item": lead_item(user_id, lead)}}
                for contact in contacts_of(lead.phone, lead.email):
                    yield {"PutRequest": {"Item": contact_item(user_id, contact, lead.lead_id)}}

        return batch_write(self._db, self._table, requests(), backoff, self._in_flight, self._pace)

    def owners(self, user_id: str, contacts: Sequence[ContactKey]) -> dict[ContactKey, str]:
        wanted = distinct(contacts)
        found = batch_get(
            self._db,
            self._table,
            [contact_item_key(user_id, c) for c in wanted],
            projection="sk, lead_id",
            in_flight=self._in_flight,
        )
        return {contact_from_sk(item["sk"]["S"]): item["lead_id"]["S"] for item in found}

    def get(self, user_id: str, lead_id: str, consistent: bool = False) -> LeadRecord | None:
        item = self._db.get_item(TableName=self._table, Key=lead_key(user_id, lead_id), ConsistentRead=consistent).get(
            "Item"
        )
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
        if "phone" not in changes and "email" not in changes:
            return self._update_fields(user_id, lead_id, changes, updated_at, expected)
        seen = 0
        for _ in range(RACE_RETRIES):
            current = self.get(user_id, lead_id, consistent=True)
            if current is None:
                return None
            seen = current.version
            if not expected.allows(current.version):
                raise VersionMismatch(current.version)
            updated = self._move_contacts(user_id, current, changes, updated_at)
            if updated is not None:
                return updated
            # Changed since it was read: read again (with an If-Match the next read answers 412).
        raise VersionMismatch(seen)

    def _update_expression(
        self, user_id: str, changes: dict[str, Any], updated_at: datetime
    ) -> tuple[str, dict[str, str], dict[str, Any]]:
        sets: list[str] = ["#updated_at = :updated_at", f"{CHANGE_ATTR} = :changed"]
        removes: list[str] = []
        names: dict[str, str] = {"#updated_at": "updated_at"}
        values: dict[str, Any] = {
            ":updated_at": ser(updated_at.isoformat()),
            ":one": {"N": "1"},
            ":changed": {"N": str(change_stamp())},
        }

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
        if IMPORTED_BY not in changes:  # changed by someone else than its import: undo keeps it
            assign(IMPORTED_BY, None)
        expression = "SET " + ", ".join(sets)
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        return expression + " ADD version :one", names, values

    def _update_fields(
        self, user_id: str, lead_id: str, changes: dict[str, Any], updated_at: datetime, expected: Precondition
    ) -> LeadRecord | None:
        """A change that leaves phone and email alone: one conditional UpdateItem."""
        expression, names, values = self._update_expression(user_id, changes, updated_at)
        written = conditional(
            self._db.update_item,
            TableName=self._table,
            Key=lead_key(user_id, lead_id),
            UpdateExpression=expression,
            ConditionExpression="attribute_exists(pk)" + version_condition(expected, values),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        if not written:
            if not written.old_item:
                return None
            raise VersionMismatch(int(written.old_item.get("version", {}).get("N", "1")))
        return to_lead_record(written.response["Attributes"])

    def _move_contacts(
        self, user_id: str, current: LeadRecord, changes: dict[str, Any], updated_at: datetime
    ) -> LeadRecord | None:
        """The change, at the version read, with contact items moved in the same transaction;
        None if the lead changed since it was read."""
        updated = replace(current, **{IMPORTED_BY: None, **changes}, updated_at=updated_at)
        updated.version = current.version + 1
        if not updated.phone and not updated.email:
            raise LeadUnreachable()
        before = set(contacts_of(current.phone, current.email))
        after = contacts_of(updated.phone, updated.email)
        added = [c for c in after if c not in before]
        removed = [c for c in before if c not in set(after)]
        expression, names, values = self._update_expression(user_id, changes, updated_at)
        values[":read"] = {"N": str(current.version)}
        update = {
            "Update": {
                "TableName": self._table,
                "Key": lead_key(user_id, current.lead_id),
                "UpdateExpression": expression,
                "ConditionExpression": "version = :read",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        items = [
            update,
            *(self._put_contact(user_id, c, current.lead_id) for c in added),
            *(self._delete_contact(user_id, c) for c in removed),
        ]
        try:
            transact_write(self._db, items)
        except ClientError as exc:
            if not cancelled_by_condition(exc):
                raise
            taken = _taken(exc, added, 1)
            if taken is not None:
                raise taken from None
            return None
        return updated

    def delete(self, user_id: str, lead_id: str, expected: Precondition = NO_PRECONDITION) -> bool:
        """The lead, its contact items and its tombstone in one transaction, at the version read:
        another device learns of every deletion, and no contact item outlives its lead."""
        seen = 0
        for _ in range(RACE_RETRIES):
            current = self.get(user_id, lead_id, consistent=True)
            if current is None:
                return False
            seen = current.version
            if not expected.allows(current.version):
                raise VersionMismatch(current.version)
            delete = {
                "TableName": self._table,
                "Key": lead_key(user_id, lead_id),
                "ConditionExpression": "version = :read",
                "ExpressionAttributeValues": {":read": {"N": str(current.version)}},
            }
            tombstone = {"TableName": self._table, "Item": to_item(tombstone_item(user_id, "lead", lead_id))}
            contacts = [self._delete_contact(user_id, c) for c in contacts_of(current.phone, current.email)]
            try:
                transact_write(self._db, [{"Delete": delete}, {"Put": tombstone}, *contacts])
            except ClientError as exc:
                if not cancelled_by_condition(exc, 0):
                    raise
                continue  # changed since it was read: read again (an If-Match then answers 412)
            return True
        raise VersionMismatch(seen)

    def in_id_range(self, user_id: str, first: str, last: str, after: str | None, limit: int) -> list[LeadRecord]:
        low = lead_sk(after) if after else lead_sk(first)
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":low": ser(low), ":high": ser(lead_sk(last))},
            "ConsistentRead": True,
            "Limit": limit + (1 if after else 0),
        }
        items = self._db.query(**params).get("Items", [])
        records = [to_lead_record(item) for item in items]
        return [record for record in records if record.lead_id != after][:limit]

    def remove_imported(self, user_id: str, import_id: str, leads: Sequence[LeadRecord]) -> list[str]:
        removed: list[str] = []
        groups = [list(leads[i : i + TRANSACTION_LEADS]) for i in range(0, len(leads), TRANSACTION_LEADS)]
        with ThreadPoolExecutor(max_workers=max(1, min(self._in_flight, len(groups) or 1))) as pool:
            for done in pool.map(lambda group: self._remove_group(user_id, import_id, group), groups):
                removed += done
        return removed

    def _remove_group(self, user_id: str, import_id: str, group: list[LeadRecord]) -> list[str]:
        """One transaction for the group; a lead whose condition fails (changed meanwhile) is
        dropped from it and the rest tried again."""
        pending = [lead for lead in group if lead.imported_by == import_id]
        for _ in range(TRANSACTION_LEADS + 1):
            if not pending:
                return []
            items: list[dict[str, Any]] = []
            first_item: list[int] = []
            for lead in pending:
                first_item.append(len(items))
                items.append(
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": lead_key(user_id, lead.lead_id),
                            "ConditionExpression": f"{IMPORTED_BY} = :import AND version = :read",
                            "ExpressionAttributeValues": {":import": ser(import_id), ":read": ser(lead.version)},
                        }
                    }
                )
                tombstone = tombstone_item(user_id, "lead", lead.lead_id) | {REMOVED_BY: import_id}
                items.append({"Put": {"TableName": self._table, "Item": to_item(tombstone)}})
                items += [self._delete_contact(user_id, c) for c in contacts_of(lead.phone, lead.email)]
            try:
                transact_write(self._db, items)
            except ClientError as exc:
                if not cancelled_by_condition(exc):
                    raise
                pending = [
                    lead for lead, at in zip(pending, first_item, strict=True) if not cancelled_by_condition(exc, at)
                ]
                continue
            return [lead.lead_id for lead in pending]
        return []

    def removed_in_range(self, user_id: str, import_id: str, first: str, after: str | None, last: str) -> int:
        # Ids have one length: "<after>~" sorts after ``after`` and before every greater id.
        low = tombstone_sk("lead", f"{after}~") if after else tombstone_sk("lead", first)
        high = tombstone_sk("lead", last)
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "FilterExpression": f"{REMOVED_BY} = :import",
            "ExpressionAttributeValues": {
                ":pk": ser(user_pk(user_id)),
                ":low": ser(low),
                ":high": ser(high),
                ":import": ser(import_id),
            },
            "Select": "COUNT",
            "ConsistentRead": True,
        }
        total = 0
        while True:
            response = self._db.query(**params)
            total += int(response.get("Count", 0))
            if "LastEvaluatedKey" not in response:
                return total
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def created_between(self, user_id: str, start: datetime, end: datetime) -> list[LeadRecord]:
        # Only an import block asks (its function made lead ids, so python-ulid is loaded): every
        # other function that reads leads starts without it.
        from ulid import ULID

        low = ULID.from_bytes(ms_bytes(start) + bytes(10))
        high = ULID.from_bytes(ms_bytes(end) + b"\xff" * 10)
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": ser(user_pk(user_id)),
                ":low": ser(lead_sk(str(low))),
                ":high": ser(lead_sk(str(high))),
            },
            "ConsistentRead": True,
        }
        found: list[LeadRecord] = []
        while True:
            response = self._db.query(**params)
            found += [to_lead_record(item) for item in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return found
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def yield_contacts(self, user_id: str, import_id: str, loser: LeadRecord, winner: LeadRecord) -> bool:
        kept = set(contacts_of(winner.phone, winner.email))
        items: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": lead_key(user_id, loser.lead_id),
                    "ConditionExpression": f"{IMPORTED_BY} = :import",
                    "ExpressionAttributeValues": {":import": ser(import_id)},
                }
            },
            {"Put": {"TableName": self._table, "Item": to_item(tombstone_item(user_id, "lead", loser.lead_id))}},
        ]
        for contact in contacts_of(loser.phone, loser.email):
            if contact in kept:
                items.append(
                    {"Put": {"TableName": self._table, "Item": contact_item(user_id, contact, winner.lead_id)}}
                )
            else:
                items.append(
                    {
                        "Delete": {
                            "TableName": self._table,
                            "Key": contact_item_key(user_id, contact),
                            "ConditionExpression": "lead_id = :loser",
                            "ExpressionAttributeValues": {":loser": ser(loser.lead_id)},
                        }
                    }
                )
        try:
            transact_write(self._db, items)
        except ClientError as exc:
            if not cancelled_by_condition(exc):
                raise
            return False
        return True


def ms_bytes(moment: datetime) -> bytes:
    """A moment as a ULID's 48-bit time part."""
    return int(moment.timestamp() * 1000).to_bytes(6, "big")
