"""Rows of one block → the leads to create and the leads to fill in; idempotent by construction.

Dedupe is exact: a row matches the lead that has its phone (E.164), else its email, as the
user's contact items say (shared/leads/contacts.py: one consistent BatchGetItem per 100 keys for
the whole block, so a lead written by the previous block is always seen). Rows of the same block
match each other in memory: two rows with one phone become one lead, the second counted as
skipped or merged into it per ``on_duplicate``.

Idempotency: a row's new lead has a deterministic id (shared.imports.lead_ids). If a chunk runs
again after writing some leads, a row that finds its contact held by the lead with its own id
knows it wrote it and writes it again (same item, counted once, since counts are committed with
the cursor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.imports.lead_ids import created_by, imported_lead_id
from shared.leads.contacts import ContactKey
from shared.leads.repository import IMPORTED_BY, LeadRecord
from shared.leads.source import LeadSource

if TYPE_CHECKING:
    from shared.imports.rows import LeadDraft  # the row parser loads only in the chunk step


@dataclass
class UpsertPlan:
    creates: list[LeadRecord] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # lead id → changes
    created: int = 0
    updated: int = 0  # rows that filled in an existing lead
    skipped: int = 0  # duplicate rows left alone (on_duplicate=skip)
    contacts: int = 0  # contact keys looked up


def contact_keys(drafts: Sequence[LeadDraft]) -> list[ContactKey]:
    """Every phone and email of the block, once each: what to look up in the contact items."""
    return list(dict.fromkeys(key for draft in drafts for key in draft.contact_keys()))


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
    existing: dict[ContactKey, str],
    *,
    import_id: str,
    on_duplicate: str,
    now: datetime,
) -> UpsertPlan:
    plan = UpsertPlan(contacts=len(existing))
    claimed: dict[ContactKey, str] = {}  # contact → lead id, for rows later in this block
    pending: dict[str, LeadRecord] = {}  # leads this block creates, by id
    for draft in drafts:
        own_id = imported_lead_id(import_id, draft.row)
        target = None
        for key in draft.contact_keys():
            if key in claimed:
                target = claimed[key]
                break
            owner = existing.get(key)
            if owner is not None and owner != own_id:  # held by another lead (its own: a re-run)
                target = owner
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
                imported_by=import_id,
            )
            pending[own_id] = record
            plan.creates.append(record)
            plan.created += 1
            target = own_id
        elif on_duplicate == "skip":
            plan.skipped += 1
        else:
            changes = _changes(draft)
            for kind, value in draft.contact_keys():
                holder = claimed.get((kind, value), existing.get((kind, value)))
                if holder is not None and holder != target:  # it stays with the lead that has it
                    changes.pop(kind, None)
            if target in pending:  # a lead this block creates: fill it in before it is written
                for name, value in changes.items():
                    setattr(pending[target], name, value)
            else:
                if created_by(import_id, target):  # an earlier block's lead: still the import's own
                    changes[IMPORTED_BY] = import_id
                plan.updates.setdefault(target, {}).update(changes)
            plan.updated += 1
        for key in draft.contact_keys():
            claimed.setdefault(key, target)
    return plan
