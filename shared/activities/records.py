"""An activity record as the API shows it.

Apart from ``logic`` so that the export and delta sync, which show activities but never create
one, do not load what creating needs (python-ulid).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.activities.output import Activity, ActivityType, Location
from shared.core import ids


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
        version=int(item.get("version", 1)),
    )
