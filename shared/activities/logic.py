"""Activities on leads: what happened with a lead (a note, call, SMS, meeting, email, visit), in
the lead's own timeline. Check-ins (shared/activities/check_ins.py) and call/SMS log sync
(shared/activities/device_logs.py) add activities through :func:`add_activity` too.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from shared.activities.models import ActivityCreate
from shared.activities.output import Activity, ActivityPage
from shared.activities.records import to_activity
from shared.core import ids, ulids
from shared.core.clock import utcnow
from shared.core.cursors import InvalidCursor
from shared.core.errors import NotFound, PreconditionFailed
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.children import ChildRepository, LeadMissing
from shared.leads.repository import LeadRepository


def _lead_not_found() -> NotFound:
    return NotFound("No such lead.", "lead_not_found")


# DynamoDB numbers stop at 1E-130 in magnitude (a smaller one fails the write with Underflow).
DYNAMODB_SMALLEST_NUMBER = Decimal("1E-130")


def _number(value: float) -> Decimal:
    """A float as a DynamoDB number; closer to zero than DynamoDB goes (a valid latitude of 3e-247,
    say: far below any GPS precision) is stored as 0."""
    number = Decimal(str(value))
    return number if abs(number) >= DYNAMODB_SMALLEST_NUMBER else Decimal(0)


def activity_attrs(**values: Any) -> dict[str, Any]:
    return {k: _number(v) if isinstance(v, float) else v for k, v in values.items() if v is not None}


def add_activity(repo: ChildRepository, user_id: str, lead_id: str, at: datetime, **values: Any) -> Activity:
    """Store one activity under its lead (refused if the lead does not exist for this user)."""
    if not ids.is_id(lead_id):
        raise _lead_not_found()
    own_id = ulids.id_at(at)
    item = activity_attrs(at=at.isoformat(), created_at=utcnow().isoformat(), **values)
    try:
        repo.create(user_id, lead_id, own_id, item)
    except LeadMissing:
        raise _lead_not_found() from None
    return to_activity(item | {"sk": repo.sk(lead_id, own_id)})


def create_activity(repo: ChildRepository, user_id: str, lead_id: str, body: ActivityCreate) -> Activity:
    return add_activity(
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


def get_activity(repo: ChildRepository, user_id: str, activity_id: str) -> Activity:
    """One activity by its id (what a replayed create answers)."""
    parts = ids.split_child_id(activity_id)
    item = repo.get(user_id, *parts) if parts else None
    if item is None:
        raise NotFound("No such activity.", "activity_not_found")
    return to_activity(item)


def delete_activity(
    repo: ChildRepository, user_id: str, activity_id: str, expected: Precondition = NO_PRECONDITION
) -> None:
    """Deleting a check-in deletes its location: the coordinates are attributes of this item."""
    parts = ids.split_child_id(activity_id)
    try:
        deleted = parts is not None and repo.delete(user_id, *parts, expected)
    except VersionMismatch as stale:
        raise PreconditionFailed(stale.current) from None
    if not deleted:
        raise NotFound("No such activity.", "activity_not_found")
