"""Data portability: one page of everything held about the caller."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from shared.activities.models import Activity
from shared.core.models import Output
from shared.files.models import FileInfo
from shared.leads.models import Lead
from shared.preferences.models import Device, Preferences


class ExportPage(Output):
    """One page of the caller's data; follow ``next_cursor`` until it is null and concatenate."""

    profile: dict[str, Any] | None = Field(default=None, description="On the first page only")
    preferences: Preferences | None = None
    devices: list[Device] = Field(default_factory=list)
    leads: list[Lead] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    files: list[FileInfo] = Field(default_factory=list)
    next_cursor: str | None = None
