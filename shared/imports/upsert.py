"""Rows of one block → the leads to create and the leads to fill in; idempotent by construction.

Dedupe: a row matches an existing lead of the same user by normalized phone (E.164), else by
email, through the ``by_phone``/``by_email`` indexes (one Query per distinct value in the block,
run concurrently; emails are looked up only for rows their phone did not match). Rows of the
same block match each other in memory.

Idempotency: a row's new lead has a deterministic id (shared.imports.lead_ids). If a chunk runs again
after writing some leads, a row that finds the lead with its own id knows it wrote it and
writes it again (same item, counted once, since counts are committed with the cursor).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.imports.lead_ids import imported_lead_id
from shared.leads.repository import LeadRecord
from shared.leads.source import LeadSource

if TYPE_CHECKING:
    from shared.imports.rows import LeadDraft

ContactKey = tuple[str, str]  # ("phone", e164) or ("email", address)
Lookup = Callable[[ContactKey], list[str]]  # lead ids with that contact, oldest first


@dataclass
class UpsertPlan:
    creates: list[LeadRecord] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # lead id → changes
    created: int = 0
    updated: int = 0  # rows that filled in an existing lead
    skipped: int = 0  # duplicate rows left alone (on_duplicate=skip)
    lookups: int = 0  # index queries made


def _lookup_all(keys: Iterable[ContactKey], lookup: Lookup, workers: int) -> dict[ContactKey, list[str]]:
    distinct = list(dict.fromkeys(keys))
    if not distinct:
        return {}
    if workers <= 1 or len(distinct) == 1:
        return {key: lookup(key) for key in distinct}
    with ThreadPoolExecutor(max_workers=min(workers, len(distinct))) as pool:
        return dict(zip(distinct, pool.map(lookup, distinct), strict=True))


def find_existing(drafts: Sequence[LeadDraft], lookup: Lookup, workers: int) -> dict[ContactKey, list[str]]:
    """Existing lead ids per contact key: all phones, then the emails still needed."""
    found = _lookup_all((("phone", d.phone) for d in drafts if d.phone), lookup, workers)
    needs_email = [d for d in drafts if d.email and not (d.phone and found.get(("phone", d.phone)))]
    found.update(_lookup_all((("email", d.email) for d in needs_email if d.email), lookup, workers))
    return found


def _changes(draft: LeadDraft) -> dict[str, Any]:
    """The mapped fields a row fills in; empty cells leave the lead's values alone."""
    changes: dict[str, Any] = {"name": draft.name}
    for name in ("phone", "email", "company", "notes"):
        value = getattr(draft, name)
        if value:
            changes[name] = value
    if draft.tags:
        changes["tags"] = draft.tags
    return changes


def plan_upserts(
    drafts: Sequence[LeadDraft],
    existing: dict[ContactKey, list[str]],
    *,
    import_id: str,
    on_duplicate: str,
    now: datetime,
) -> UpsertPlan:
    plan = UpsertPlan(lookups=len(existing))
    claimed: dict[ContactKey, str] = {}  # contact → lead id, for rows later in this block
    pending: dict[str, LeadRecord] = {}  # leads this block creates, by id
    for draft in drafts:
        own_id = imported_lead_id(import_id, draft.row)
        target = None
        for key in draft.contact_keys():
            if key in claimed:
                target = claimed[key]
                break
            others = [lead_id for lead_id in existing.get(key, ()) if lead_id != own_id]
            if others:
                target = others[0]
                break
        if target is None:
            record = LeadRecord(
                lead_id=own_id,
                name=draft.name,
                source=LeadSource.GOOGLE_SHEETS.value,
                created_at=now,
                updated_at=now,
                phone=draft.phone,
                email=draft.email,
                company=draft.company,
                notes=draft.notes,
                tags=draft.tags,
            )
            pending[own_id] = record
            plan.creates.append(record)
            plan.created += 1
            target = own_id
        elif on_duplicate == "skip":
            plan.skipped += 1
        else:
            changes = _changes(draft)
            if target in pending:  # a lead this block creates: fill it in before it is written
                for name, value in changes.items():
                    setattr(pending[target], name, value)
            else:
                plan.updates.setdefault(target, {}).update(changes)
            plan.updated += 1
        for key in draft.contact_keys():
            claimed.setdefault(key, target)
    return plan
