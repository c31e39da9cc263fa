"""Check-ins: geotagged records of customer visits.

"We may request location permissions to create geotagged records of activities, such as customer
visits, using our check-in feature. This feature is optional and can be disabled": a check-in is
refused, with nothing stored, while location is off in the user's preferences (checked here, on
the server). "We delete it once associated activities or accounts are deleted": the coordinates
live inside the check-in's activity item, so nothing can outlive the activity.
"""

from __future__ import annotations

from shared.activities.logic import add_activity
from shared.activities.models import CheckInCreate
from shared.activities.output import Activity, ActivityType
from shared.leads.children import ChildRepository
from shared.preferences.consent import enforce_location_consent
from shared.preferences.records import load_preferences
from shared.preferences.repository import PreferencesRepository


def check_in(
    repo: ChildRepository,
    preferences: PreferencesRepository,
    user_id: str,
    lead_id: str,
    body: CheckInCreate,
) -> Activity:
    """A geotagged visit. Refused, with nothing stored, while location is off in preferences."""
    enforce_location_consent(load_preferences(preferences, user_id))
    return add_activity(
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
