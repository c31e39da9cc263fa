"""The consent switches, enforced on the server before anything is stored.

"This feature is optional and can be disabled": an app that ignores the switches still cannot
store a location, a call or SMS log entry, or a file the user refused.
"""

from __future__ import annotations

from shared.core.errors import Conflict
from shared.preferences.output import PreferencesBody


class FeatureDisabled(Conflict):
    code = "feature_disabled"


def enforce_location_consent(preferences: PreferencesBody) -> None:
    if not preferences.location_enabled:
        raise FeatureDisabled("Location is turned off in preferences; nothing was stored.", "location_disabled")


def enforce_log_sync_consent(preferences: PreferencesBody, has_calls: bool, has_sms: bool) -> None:
    if has_calls and not preferences.call_log_sync_enabled:
        raise FeatureDisabled(
            "Call log sync is turned off in preferences; nothing was stored.", "call_log_sync_disabled"
        )
    if has_sms and not preferences.sms_sync_enabled:
        raise FeatureDisabled("SMS sync is turned off in preferences; nothing was stored.", "sms_sync_disabled")


def enforce_file_upload_consent(preferences: PreferencesBody) -> None:
    if not preferences.file_uploads_enabled:
        raise FeatureDisabled("File uploads are turned off in preferences.", "file_uploads_disabled")
