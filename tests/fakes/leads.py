"""An in-memory ``LeadRepository`` (shared/leads/repository.py).

Like ``DynamoLeadRepository``: leads live in their owner's partition (another user's id is simply
absent), pages come newest first (lead ids are ULIDs), a ``?q=`` search is a case-insensitive
substring of name, company, email or phone (without its ``+``) and reads at most
``MAX_FILTERED_PAGES`` pages' worth of leads before answering with what it found and a cursor,
an update refuses to clear a contact field unless the other one is there (``LeadUnreachable``),
a phone or email belongs to at most one lead (``ContactTaken``), and ``owners`` answers which
lead has each. Records go in and out as copies, as through DynamoDB.

Differences, on purpose: a cursor is returned only when leads remain (DynamoDB may also return
one at the very end, whose next page is empty); ``put_many`` counts its BatchWriteItem calls
but never retries (``throttled`` makes it raise ``UnprocessedItems`` and write nothing).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from ulid import ULID

from shared.core.dynamodb import BatchStats, UnprocessedItems
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.contacts import ContactKey, contacts_of, distinct
from shared.leads.repository import (
    IMPORTED_BY,
    MAX_FILTERED_PAGES,
    SEARCH_FIELDS,
    ContactTaken,
    LeadPageRecord,
    LeadRecord,
    LeadUnreachable,
)
from tests.fakes.conditions import transaction_cancelled

BATCH_WRITE_MAX = 25


def _copy(record: LeadRecord) -> LeadRecord:
    return replace(record, tags=list(record.tags))


def _search_text(field: str, value: str) -> str:
    text = value.lower()
    return text.lstrip("+") if field == "phone" else text


def _matches(record: LeadRecord, query: str) -> bool:
    wanted = query.lower().lstrip("+")
    return any(wanted in _search_text(field, value) for field in SEARCH_FIELDS if (value := getattr(record, field)))


class FakeLeadRepository:
    """Leads by (user id, lead id); ``calls`` counts each method's calls (lookups run on threads)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.throttled = False
        self.deleted: list[tuple[str, str]] = []  # (user, lead) of every deletion: its tombstone
        self.removed_by: dict[tuple[str, str], str] = {}  # (user, lead) → the import whose undo removed it
        self._leads: dict[tuple[str, str], LeadRecord] = {}
        self._lock = threading.Lock()

    def _count(self, method: str) -> None:
        with self._lock:
            self.calls[method] += 1

    def _owned(self, user_id: str) -> list[LeadRecord]:
        """The user's leads, oldest first (ascending lead id, like the sort key)."""
        with self._lock:
            return [self._leads[key] for key in sorted(key for key in self._leads if key[0] == user_id)]

    def stored(self, user_id: str) -> list[LeadRecord]:
        """Every lead of ``user_id``, oldest first: for assertions, not a port method."""
        return [_copy(record) for record in self._owned(user_id)]

    def _owner(self, user_id: str, contact: ContactKey) -> str | None:
        """The lead of ``user_id`` that has ``contact`` (call with the lock held)."""
        return next(
            (
                record.lead_id
                for (owner, _), record in self._leads.items()
                if owner == user_id and contact in contacts_of(record.phone, record.email)
            ),
            None,
        )

    def create(self, user_id: str, lead: LeadRecord) -> None:
        self._count("create")
        with self._lock:
            if (user_id, lead.lead_id) in self._leads:
                raise transaction_cancelled(
                    ["ConditionalCheckFailed", *(None for _ in contacts_of(lead.phone, lead.email))]
                )
            for contact in contacts_of(lead.phone, lead.email):
                owner = self._owner(user_id, contact)
                if owner is not None:
                    raise ContactTaken(contact, owner)
            self._leads[(user_id, lead.lead_id)] = _copy(lead)

    def owners(self, user_id: str, contacts: Sequence[ContactKey]) -> dict[ContactKey, str]:
        self._count("owners")
        with self._lock:
            found = {contact: self._owner(user_id, contact) for contact in distinct(contacts)}
        return {contact: owner for contact, owner in found.items() if owner is not None}

    def get(self, user_id: str, lead_id: str) -> LeadRecord | None:
        self._count("get")
        with self._lock:
            record = self._leads.get((user_id, lead_id))
        return _copy(record) if record else None

    def page(self, user_id: str, limit: int, after: str | None, query: str | None) -> LeadPageRecord:
        self._count("page")
        newest_first = [record for record in reversed(self._owned(user_id)) if after is None or record.lead_id < after]
        if not query:
            items = newest_first[:limit]
            more = len(newest_first) > limit
            return LeadPageRecord([_copy(r) for r in items], items[-1].lead_id if more and items else None)
        budget = MAX_FILTERED_PAGES * max(limit * 4, 100)  # the items DynamoDB would read and filter
        found: list[LeadRecord] = []
        for position, record in enumerate(newest_first[:budget]):
            if _matches(record, query):
                found.append(_copy(record))
                if len(found) == limit:
                    more = position + 1 < len(newest_first)
                    return LeadPageRecord(found, record.lead_id if more else None)
        if len(newest_first) > budget:  # out of reads: resume after the last lead read
            return LeadPageRecord(found, newest_first[budget - 1].lead_id)
        return LeadPageRecord(found, None)

    def update(
        self,
        user_id: str,
        lead_id: str,
        changes: dict[str, Any],
        updated_at: datetime,
        expected: Precondition = NO_PRECONDITION,
    ) -> LeadRecord | None:
        self._count("update")
        with self._lock:
            current = self._leads.get((user_id, lead_id))
            if current is None:
                return None
            if not expected.allows(current.version):
                raise VersionMismatch(current.version)
            moved = replace(current, **changes)
            if not moved.phone and not moved.email:
                raise LeadUnreachable()
            values: dict[str, Any] = {name: list(v) if isinstance(v, list) else v for name, v in changes.items()}
            values.setdefault(IMPORTED_BY, None)  # any other writer: no longer the import's to undo
            for contact in contacts_of(moved.phone, moved.email):
                owner = self._owner(user_id, contact)
                if owner is not None and owner != lead_id:
                    raise ContactTaken(contact, owner)
            updated = replace(current, **values, updated_at=updated_at, version=current.version + 1)
            self._leads[(user_id, lead_id)] = updated
        return _copy(updated)

    def delete(self, user_id: str, lead_id: str, expected: Precondition = NO_PRECONDITION) -> bool:
        self._count("delete")
        with self._lock:
            current = self._leads.get((user_id, lead_id))
            if current is None:
                return False
            if not expected.allows(current.version):
                raise VersionMismatch(current.version)
            del self._leads[(user_id, lead_id)]
            self.deleted.append((user_id, lead_id))
            return True

    def put_many(self, user_id: str, leads: Sequence[LeadRecord]) -> BatchStats:
        """Overwrites leads with the same id, as BatchWriteItem's puts do."""
        self._count("put_many")
        if self.throttled:
            raise UnprocessedItems("batch write did not complete")
        with self._lock:
            for lead in leads:
                self._leads[(user_id, lead.lead_id)] = _copy(lead)
        return BatchStats(calls=math.ceil(len(leads) / BATCH_WRITE_MAX))

    def in_id_range(self, user_id: str, first: str, last: str, after: str | None, limit: int) -> list[LeadRecord]:
        self._count("in_id_range")
        with self._lock:
            ids = sorted(lead_id for owner, lead_id in self._leads if owner == user_id and first <= lead_id <= last)
            chosen = [lead_id for lead_id in ids if after is None or lead_id > after][:limit]
            return [_copy(self._leads[(user_id, lead_id)]) for lead_id in chosen]

    def remove_imported(self, user_id: str, import_id: str, leads: Sequence[LeadRecord]) -> list[str]:
        """Deletes only leads still stored as the import wrote them (same version, still marked)."""
        self._count("remove_imported")
        removed: list[str] = []
        with self._lock:
            for lead in leads:
                current = self._leads.get((user_id, lead.lead_id))
                if current is None or current.imported_by != import_id or current.version != lead.version:
                    continue
                del self._leads[(user_id, lead.lead_id)]
                self.deleted.append((user_id, lead.lead_id))
                self.removed_by[(user_id, lead.lead_id)] = import_id
                removed.append(lead.lead_id)
        return removed

    def removed_in_range(self, user_id: str, import_id: str, first: str, after: str | None, last: str) -> int:
        with self._lock:
            return sum(
                1
                for (owner, lead_id), by in self.removed_by.items()
                if owner == user_id and by == import_id and (after or first) <= lead_id <= last and lead_id != after
            )

    def created_between(self, user_id: str, start: datetime, end: datetime) -> list[LeadRecord]:
        low, high = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
        with self._lock:
            return [
                _copy(record)
                for (owner, lead_id), record in sorted(self._leads.items())
                if owner == user_id and low <= ULID.from_str(lead_id).milliseconds <= high
            ]

    def yield_contacts(self, user_id: str, import_id: str, loser: LeadRecord, winner: LeadRecord) -> bool:
        """Contacts are derived from the leads here: removing the loser gives them to the winner."""
        with self._lock:
            current = self._leads.get((user_id, loser.lead_id))
            if current is None or current.imported_by != import_id:
                return False
            del self._leads[(user_id, loser.lead_id)]
            self.deleted.append((user_id, loser.lead_id))
            return True
