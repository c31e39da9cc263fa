"""``GET /v1/sync``: what changed in the caller's account since a checkpoint.

The shape follows WatermelonDB's pull: ``changes`` per kind as ``created``, ``updated`` and
``deleted``, and a ``checkpoint`` to send back as ``?since=`` next time. Apps should upsert
``created`` and ``updated`` alike (a pull overlaps the previous one by a few minutes, so a record
can come twice, with the same version) and delete what ``deleted`` names.
"""

from __future__ import annotations

from pydantic import Field

from shared.activities.output import Activity
from shared.core.models import Output, Timestamp
from shared.files.output import FileInfo
from shared.leads.output import Lead
from shared.preferences.output import Device, Preferences

SYNC_PAGE_DEFAULT = 500
SYNC_PAGE_MAX = 1000
CHECKPOINT_MAX_LENGTH = 600


class Tombstone(Output):
    kind: str = Field(description="lead, activity, file or device")
    id: str = Field(description="The deleted object's id")
    deleted_at: Timestamp


class LeadChanges(Output):
    created: list[Lead] = Field(default_factory=list)
    updated: list[Lead] = Field(default_factory=list)
    deleted: list[Tombstone] = Field(default_factory=list)


class ActivityChanges(Output):
    created: list[Activity] = Field(default_factory=list)
    updated: list[Activity] = Field(default_factory=list)
    deleted: list[Tombstone] = Field(default_factory=list)


class FileChanges(Output):
    """File records only: a download link comes from ``GET /v1/files/{file_id}``."""

    created: list[FileInfo] = Field(default_factory=list)
    updated: list[FileInfo] = Field(default_factory=list)
    deleted: list[Tombstone] = Field(default_factory=list)


class DeviceChanges(Output):
    created: list[Device] = Field(default_factory=list)
    updated: list[Device] = Field(default_factory=list)
    deleted: list[Tombstone] = Field(default_factory=list)


class PreferencesChanges(Output):
    """At most one document: the preferences, whenever they changed."""

    created: list[Preferences] = Field(default_factory=list)
    updated: list[Preferences] = Field(default_factory=list)
    deleted: list[Tombstone] = Field(default_factory=list)


class SyncChanges(Output):
    leads: LeadChanges = Field(default_factory=LeadChanges)
    activities: ActivityChanges = Field(default_factory=ActivityChanges)
    files: FileChanges = Field(default_factory=FileChanges)
    devices: DeviceChanges = Field(default_factory=DeviceChanges)
    preferences: PreferencesChanges = Field(default_factory=PreferencesChanges)


class SyncPage(Output):
    changes: SyncChanges
    checkpoint: str = Field(
        description="Opaque. While has_more, pass it as ?since= for the rest of this pull; then keep it "
        "for the next sync"
    )
    has_more: bool = Field(description="More changes wait: ask again at once with the new checkpoint")
    timestamp: Timestamp = Field(description="The server's time when this page was read")
