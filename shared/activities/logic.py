"""Activities on leads: manual entries, geotagged check-ins, and those made from call and SMS logs.

Policy: "Utilizing incoming and outgoing SMS and call logs, we automatically create activities for
leads" — for leads, and nothing else: :func:`discard_unmatched_logs` drops every log entry whose
number belongs to no lead of the user before anything is written; those entries are never stored
and never logged (only counted). "We delete [location data] once associated activities or
accounts are deleted": a check-in's coordinates live inside its activity item.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shared.core import ids
from shared.core.errors import NotFound
from shared.core.fieldwork_models import (
    Activity,
    ActivityCreate,
    ActivityPage,
    ActivityType,
    CallLogEntry,
    CheckInCreate,
    DeviceLogSync,
    Location,
    SmsLogEntry,
    SyncResult,
)
from shared.core.phone import InvalidPhone, to_e164
from shared.leads.children import ChildRepository, LeadMissing
from shared.leads.logic import InvalidCursor
from shared.leads.repository import LeadRepository
from shared.preferences.logic import enforce_location_consent, enforce_log_sync_consent, load_preferences
from shared.preferences.repository import PreferencesRepository
from shared.privacy import get_logger

logger = get_logger()

LEAD_LOOKUP_THREADS = 8


def _lead_not_found() -> NotFound:
    return NotFound("No such lead.", "lead_not_found")


def to_activity(item: dict[str, Any]) -> Activity:
    lead_id, own_id = item["sk"].split("#")[1:3]
    location = None
    if "lat" in item:
        location = Location(lat=float(item["lat"]), lng=float(item["lng"]), accuracy_m=float(item["accuracy_m"]))
    return Activity(
        activity_id=ids.child_id(lead_id, own_id),
        lead_id=lead_id,
        type=ActivityType(item["type"]),
        at=datetime.fromisoformat(item["at"]),
        direction=item.get("direction"),
        duration_s=int(item["duration_s"]) if "duration_s" in item else None,
        body=item.get("body"),
        location=location,
        source=item["source"],
        created_at=datetime.fromisoformat(item["created_at"]),
    )


# DynamoDB numbers stop at 1E-130 in magnitude (a smaller one fails the write with Underflow).
DYNAMODB_SMALLEST_NUMBER = Decimal("1E-130")


def _number(value: float) -> Decimal:
    """A float as a DynamoDB number; closer to zero than DynamoDB goes (a valid latitude of 3e-247,
    say: far below any GPS precision) is stored as 0."""
    number = Decimal(str(value))
    return number if abs(number) >= DYNAMODB_SMALLEST_NUMBER else Decimal(0)


def _attrs(**values: Any) -> dict[str, Any]:
    return {k: _number(v) if isinstance(v, float) else v for k, v in values.items() if v is not None}


def _add(repo: ChildRepository, user_id: str, lead_id: str, at: datetime, **values: Any) -> Activity:
    """Store one activity under its lead (refused if the lead does not exist for this user)."""
    if not ids.is_id(lead_id):
        raise _lead_not_found()
    own_id = ids.id_at(at)
    item = _attrs(at=at.isoformat(), created_at=datetime.now(UTC).isoformat(), **values)
    try:
        repo.create(user_id, lead_id, own_id, item)
    except LeadMissing:
        raise _lead_not_found() from None
    return to_activity(item | {"sk": repo.sk(lead_id, own_id)})


def create_activity(repo: ChildRepository, user_id: str, lead_id: str, body: ActivityCreate) -> Activity:
    return _add(
        repo,
        user_id,
        lead_id,
        body.at,
        type=body.type.value,
        direction=body.direction.value if body.direction else None,
        duration_s=body.duration_s,
        body=body.body or None,
        source="manual",
    )


def check_in(
    repo: ChildRepository,
    preferences: PreferencesRepository,
    user_id: str,
    lead_id: str,
    body: CheckInCreate,
) -> Activity:
    """A geotagged visit. Refused, with nothing stored, while location is off in preferences."""
    enforce_location_consent(load_preferences(preferences, user_id))
    return _add(
        repo,
        user_id,
        lead_id,
        body.at,
        type=ActivityType.CHECK_IN.value,
        body=body.note or None,
        lat=body.lat,
        lng=body.lng,
        accuracy_m=body.accuracy_m,
        source="check_in",
    )


def list_activities(
    repo: ChildRepository, leads: LeadRepository, user_id: str, lead_id: str, limit: int, cursor: str | None
) -> ActivityPage:
    if not ids.is_id(lead_id):
        raise _lead_not_found()
    if cursor is not None and not ids.is_id(cursor):
        raise InvalidCursor()
    items, last = repo.page(user_id, lead_id, limit, cursor)
    if not items and cursor is None and leads.get(user_id, lead_id) is None:
        raise _lead_not_found()  # an empty page must not hide "no such lead"
    return ActivityPage(items=[to_activity(i) for i in items], next_cursor=last)


def delete_activity(repo: ChildRepository, user_id: str, activity_id: str) -> None:
    parts = ids.split_child_id(activity_id)
    if parts is None or not repo.delete(user_id, *parts):
        raise NotFound("No such activity.", "activity_not_found")


# --- call and SMS logs -------------------------------------------------------------------------


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
    """Pair each entry with every lead having its number; entries matching no lead are dropped
    here — never written, never logged, only counted. One index Query per distinct number."""
    numbers = sorted({entry.e164 for entry in entries})
    with ThreadPoolExecutor(max_workers=LEAD_LOOKUP_THREADS) as pool:
        matches = dict(zip(numbers, pool.map(lambda n: leads.find_by_phone(user_id, n), numbers), strict=True))
    paired = [(entry, lead_id) for entry in entries for lead_id in matches[entry.e164]]
    unmatched = sum(1 for entry in entries if not matches[entry.e164])
    return paired, unmatched


def _log_activity(user_id: str, entry: _Entry, now: datetime) -> tuple[str, dict[str, Any]]:
    log = entry.entry
    at = log.at.astimezone(UTC)
    details = (entry.kind, entry.e164, log.direction, at.isoformat())
    if isinstance(log, CallLogEntry):
        own_id = ids.deterministic_id(at, user_id, *details, str(log.duration_s))
        attrs = _attrs(
            type=ActivityType.CALL.value,
            at=at.isoformat(),
            direction=log.direction,
            duration_s=log.duration_s,
            source="call_log",
            created_at=now.isoformat(),
        )
    else:
        own_id = ids.deterministic_id(at, user_id, *details, log.body or "")
        attrs = _attrs(
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

    AWS calls: 1 GetItem (preferences) + 1 Query per distinct number + ceil(matches/100)
    BatchGetItem (what exists already) + ceil(new/25) BatchWriteItem.
    """
    prefs = load_preferences(preferences, user_id)
    enforce_log_sync_consent(prefs, has_calls=bool(body.calls), has_sms=bool(body.sms))
    entries, invalid = _normalized(body, prefs.default_region or default_region)
    paired, unmatched = discard_unmatched_logs(entries, leads, user_id)
    now = datetime.now(UTC)
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
