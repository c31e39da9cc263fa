"""Call and SMS log sync: activities for leads, from the device's logs, and nothing else.

Policy: "Utilizing incoming and outgoing SMS and call logs, we automatically create activities for
leads" — for leads, and nothing else: :func:`discard_unmatched_logs` drops every log entry whose
number belongs to no lead of the user before anything is written; those entries are never stored
and never logged (only counted). Each entry's activity has a deterministic key, so re-sending a
batch creates nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared.activities.logic import activity_attrs
from shared.activities.models import CallLogEntry, DeviceLogSync, SmsLogEntry
from shared.activities.output import ActivityType, SyncResult
from shared.core import ulids
from shared.core.clock import utcnow
from shared.core.phone import InvalidPhone, to_e164
from shared.leads.children import ChildRepository
from shared.leads.repository import LeadRepository
from shared.preferences.consent import enforce_log_sync_consent
from shared.preferences.records import load_preferences
from shared.preferences.repository import PreferencesRepository
from shared.privacy import get_logger

logger = get_logger()


@dataclass(frozen=True)
class _Entry:
    kind: str  # "call" | "sms"
    e164: str
    entry: CallLogEntry | SmsLogEntry


def _normalized(body: DeviceLogSync, region: str) -> tuple[list[_Entry], int]:
    entries: list[_Entry] = []
    invalid = 0
    for kind, batch in (("call", body.calls), ("sms", body.sms)):
        for entry in batch:
            try:
                entries.append(_Entry(kind, to_e164(entry.number, region), entry))
            except InvalidPhone:
                invalid += 1
    return entries, invalid


def discard_unmatched_logs(
    entries: list[_Entry], leads: LeadRepository, user_id: str
) -> tuple[list[tuple[_Entry, str]], int]:
    """Pair each entry with the lead that has its number; entries matching no lead are dropped
    here — never written, never logged, only counted. The numbers are looked up in the contact
    items: one consistent BatchGetItem per 100 distinct numbers."""
    owners = leads.owners(user_id, sorted({("phone", entry.e164) for entry in entries}))
    paired = [(entry, owners[("phone", entry.e164)]) for entry in entries if ("phone", entry.e164) in owners]
    return paired, len(entries) - len(paired)


def _log_activity(user_id: str, entry: _Entry, now: datetime) -> tuple[str, dict[str, Any]]:
    log = entry.entry
    at = log.at.astimezone(UTC)
    details = (entry.kind, entry.e164, log.direction, at.isoformat())
    if isinstance(log, CallLogEntry):
        own_id = ulids.deterministic_id(at, user_id, *details, str(log.duration_s))
        attrs = activity_attrs(
            type=ActivityType.CALL.value,
            at=at.isoformat(),
            direction=log.direction,
            duration_s=log.duration_s,
            source="call_log",
            created_at=now.isoformat(),
        )
    else:
        own_id = ulids.deterministic_id(at, user_id, *details, log.body or "")
        attrs = activity_attrs(
            type=ActivityType.SMS.value,
            at=at.isoformat(),
            direction=log.direction,
            body=log.body or None,
            source="sms_log",
            created_at=now.isoformat(),
        )
    return own_id, attrs


def sync_device_logs(
    repo: ChildRepository,
    leads: LeadRepository,
    preferences: PreferencesRepository,
    user_id: str,
    body: DeviceLogSync,
    default_region: str,
) -> SyncResult:
    """Activities for the entries whose numbers belong to leads; idempotent per entry.

    AWS calls: 1 GetItem (preferences) + ceil(distinct numbers/100) BatchGetItem (contact items)
    + ceil(matches/100) BatchGetItem (what exists already) + ceil(new/25) BatchWriteItem.
    """
    prefs = load_preferences(preferences, user_id)
    enforce_log_sync_consent(prefs, has_calls=bool(body.calls), has_sms=bool(body.sms))
    entries, invalid = _normalized(body, prefs.default_region or default_region)
    paired, unmatched = discard_unmatched_logs(entries, leads, user_id)
    now = utcnow()
    planned: dict[tuple[str, str], dict[str, Any]] = {}
    for entry, lead_id in paired:
        own_id, attrs = _log_activity(user_id, entry, now)
        planned.setdefault((lead_id, own_id), attrs)
    existing = repo.existing(user_id, list(planned)) if planned else set()
    new = [(lead, own, attrs) for (lead, own), attrs in planned.items() if (lead, own) not in existing]
    if new:
        repo.put_many(user_id, new)
    result = SyncResult(created=len(new), duplicates=len(paired) - len(new), ignored=unmatched + invalid)
    logger.info(
        "device logs synced",
        extra={
            "activities_created": result.created,
            "entries_duplicate": result.duplicates,
            "entries_ignored": result.ignored,
        },
    )
    return result
