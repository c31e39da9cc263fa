"""Delta sync costs what changed, not what the account holds: pulling 10,000 changes takes
ceil(10,000 / page) Queries (docs/request-counts.md), whatever else the partition holds."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from shared.core.dynamodb import batch_write
from shared.leads.repository import DynamoLeadRepository, LeadRecord
from shared.sync import logic
from shared.sync.repository import ChangeRepository

CHANGES = 10_000
PAGE = 1_000


class CountingClient:
    def __init__(self, real: Any) -> None:
        self._real = real
        self.queries = 0

    def query(self, **params: Any) -> Any:
        self.queries += 1
        return self._real.query(**params)


def test_pulling_ten_thousand_changes_makes_one_query_per_page(local_stack: Any) -> None:
    client, table = local_stack.client("dynamodb"), local_stack.table_name
    user, now = f"user-{ULID()}", datetime.now(UTC)
    leads = [LeadRecord(str(ULID()), f"Lead {i}", "manual", now, now, phone=f"+9198{i:08d}") for i in range(CHANGES)]
    DynamoLeadRepository(client, table).put_many(user, leads)
    # What a pull never reads: items without a change stamp (idempotency records, imports, …).
    unsynced = [
        {"PutRequest": {"Item": {"pk": {"S": f"USER#{user}"}, "sk": {"S": f"IMPORT#{i:05d}"}}}} for i in range(500)
    ]
    batch_write(client, table, unsynced)

    counting = CountingClient(client)
    reader = ChangeRepository(counting, table)
    seen: set[str] = set()
    since, pages = None, 0
    while True:
        page = logic.pull(reader, user, since, PAGE)
        pages += 1
        seen |= {lead.lead_id for lead in page.changes.leads.created + page.changes.leads.updated}
        since = page.checkpoint
        if not page.has_more:
            break
    assert seen == {lead.lead_id for lead in leads}
    assert counting.queries == pages == math.ceil(CHANGES / PAGE)
