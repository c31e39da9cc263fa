"""Delta sync leaves no gap, whatever the interleaving of writes and pulls: the ordering guarantee
of shared/sync/logic.py, checked against every schedule Hypothesis can find.

A write is stamped by its writer's clock (skewed up to ``SKEW_MS`` either way) when it sends its
request, and becomes visible up to ``DELAY_MS`` later (the slowest request: an import batch
retried with backoff); pulls run at any moment, with clocks as skewed. A device that applies every
pull it makes must, after one last pull, hold exactly what the server holds. The same check with
no overlap finds a gap: the guarantee comes from the overlap, and the test can fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.leads.repository import LeadRecord, lead_item
from shared.sync import logic
from shared.sync.changes import CHANGE_ATTR
from shared.sync.repository import ChangePage

SKEW_MS = 1_000
DELAY_MS = 120_000
EPOCH = datetime(2026, 6, 1, tzinfo=UTC)
USER = "user-ordering"


class VisibleChanges:
    """The by_change index as DynamoDB keeps it: the latest of each item, by stamp, then key."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def commit(self, item: dict[str, Any]) -> None:
        self.items[item["sk"]["S"]] = item

    def changes(self, user_id: str, after_ms: int, start: dict[str, Any] | None, limit: int) -> ChangePage:
        ordered = sorted(self.items.values(), key=lambda i: (int(i[CHANGE_ATTR]["N"]), i["sk"]["S"]))
        found = [i for i in ordered if int(i[CHANGE_ATTR]["N"]) > after_ms]
        if start is not None:
            position = (int(start[CHANGE_ATTR]["N"]), start["sk"]["S"])
            found = [i for i in found if (int(i[CHANGE_ATTR]["N"]), i["sk"]["S"]) > position]
        if len(found) > limit:
            last = found[limit - 1]
            return ChangePage(found[:limit], {"pk": last["pk"], "sk": last["sk"], CHANGE_ATTR: last[CHANGE_ATTR]})
        return ChangePage(found, None)


@dataclass(frozen=True)
class Write:
    at_ms: int  # true time the request is sent
    lead: int
    skew_ms: int
    delay_ms: int


@dataclass(frozen=True)
class Pull:
    at_ms: int
    skew_ms: int


def _item(lead: int, version: int, stamp_ms: int) -> dict[str, Any]:
    moment = EPOCH + timedelta(milliseconds=stamp_ms)
    record = LeadRecord(f"01J{lead:023d}", f"Lead {lead}", "manual", EPOCH, moment, phone=None, version=version)
    item = lead_item(USER, record)
    item[CHANGE_ATTR] = {"N": str(int(EPOCH.timestamp() * 1000) + stamp_ms)}
    return item


def replay(events: list[Write | Pull], page: int) -> tuple[dict[str, int], dict[str, int]]:
    """Run the schedule; (what the server holds, what the device holds), lead id → version.
    As in DynamoDB, the write that commits last wins and gets the next version."""
    index = VisibleChanges()
    versions: dict[int, int] = {}
    pending: list[tuple[int, int, int]] = []  # (visible at, lead, stamp)
    device: dict[str, int] = {}
    checkpoint: str | None = None

    def pull_at(true_ms: int, skew_ms: int) -> None:
        nonlocal checkpoint
        for visible_at, lead, stamp in sorted(pending):
            if visible_at <= true_ms:
                versions[lead] = versions.get(lead, 0) + 1
                index.commit(_item(lead, versions[lead], stamp))
        pending[:] = [entry for entry in pending if entry[0] > true_ms]
        now = EPOCH + timedelta(milliseconds=true_ms + skew_ms)
        while True:
            result = logic.pull(index, USER, checkpoint, page, now=now)
            for lead in result.changes.leads.created + result.changes.leads.updated:
                device[lead.lead_id] = max(device.get(lead.lead_id, 0), lead.version)
            checkpoint = result.checkpoint
            if not result.has_more:
                return

    for event in sorted(events, key=lambda e: e.at_ms):
        if isinstance(event, Write):
            pending.append((event.at_ms + event.delay_ms, event.lead, event.at_ms + event.skew_ms))
        else:
            pull_at(event.at_ms, event.skew_ms)
    end = max((e.at_ms for e in events), default=0) + DELAY_MS + 1
    pull_at(end, 0)
    server = {f"01J{lead:023d}": version for lead, version in versions.items()}
    return server, device


skews = st.integers(-SKEW_MS, SKEW_MS)
writes = st.builds(
    Write, at_ms=st.integers(0, 600_000), lead=st.integers(0, 5), skew_ms=skews, delay_ms=st.integers(0, DELAY_MS)
)
pulls = st.builds(Pull, at_ms=st.integers(0, 600_000), skew_ms=skews)
schedules = st.lists(st.one_of(writes, pulls), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=schedules, page=st.integers(1, 4))
def test_no_write_is_missed_whatever_the_interleaving(events: list[Write | Pull], page: int) -> None:
    server, device = replay(events, page)
    assert device == server


def test_without_the_overlap_a_racing_write_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: a write stamped before a pull but visible only after it falls behind that pull's
    checkpoint when pulls do not overlap."""
    monkeypatch.setattr(logic, "OVERLAP", timedelta(0))
    events: list[Write | Pull] = [Write(at_ms=1_000, lead=1, skew_ms=0, delay_ms=5_000), Pull(at_ms=3_000, skew_ms=0)]
    server, device = replay(events, page=10)
    assert server != device
    monkeypatch.undo()
    assert replay(events, page=10) == (server, server)
