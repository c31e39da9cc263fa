"""An in-memory ``LeadRepository`` (shared/leads/repository.py).

Like ``DynamoLeadRepository``: leads live in their owner's partition (another user's id is simply
absent), pages come newest first (lead ids are ULIDs), a ``?q=`` search is a case-insensitive
substring of name, company, email or phone (without its ``+``) and reads at most
``MAX_FILTERED_PAGES`` pages' worth of leads before answering with what it found and a cursor,
an update refuses to clear a contact field unless the other one is there (``LeadUnreachable``),
and index lookups answer oldest first. Records go in and out as copies, as through DynamoDB.

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

from shared.core.dynamodb import BatchStats, UnprocessedItems
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.repository import MAX_FILTERED_PAGES, SEARCH_FIELDS, LeadPageRecord, LeadRecord, LeadUnreachable
from tests.fakes.conditions import condition_failed

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

    def create(self, user_id: str, lead: LeadRecord) -> None:
        self._count("create")
        with self._lock:
            if (user_id, lead.lead_id) in self._leads:
                raise condition_failed("PutItem")
            self._leads[(user_id, lead.lead_id)] = _copy(lead)

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
            # The real condition: clearing one contact field needs the other already stored, or
            # set by the same change. Clearing both at once passes it: callers refuse that.
            for cleared, other in (("phone", "email"), ("email", "phone")):
                clearing = cleared in changes and changes[cleared] is None and not changes.get(other)
                if clearing and getattr(current, other) is None:
                    raise LeadUnreachable()
            values: dict[str, Any] = {name: list(v) if isinstance(v, list) else v for name, v in changes.items()}
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

    def find_by_phone(self, user_id: str, e164: str) -> list[str]:
        self._count("find_by_phone")
        return [record.lead_id for record in self._owned(user_id) if record.phone == e164]

    def find_by_email(self, user_id: str, email: str) -> list[str]:
        self._count("find_by_email")
        wanted = email.lower()
        return [record.lead_id for record in self._owned(user_id) if record.email and record.email.lower() == wanted]

    def put_many(self, user_id: str, leads: Sequence[LeadRecord]) -> BatchStats:
        """Overwrites leads with the same id, as BatchWriteItem's puts do."""
        self._count("put_many")
        if self.throttled:
            raise UnprocessedItems("batch write did not complete")
        with self._lock:
            for lead in leads:
                self._leads[(user_id, lead.lead_id)] = _copy(lead)
        return BatchStats(calls=math.ceil(len(leads) / BATCH_WRITE_MAX))
