"""Where a lead came from. Its own module, without pydantic: the Sheets import's workflow
steps stamp it on every lead they write and need none of the request models."""

from __future__ import annotations

from enum import StrEnum


class LeadSource(StrEnum):
    MANUAL = "manual"
    PHONEBOOK = "phonebook"
    GOOGLE_SHEETS = "google_sheets"
    OTHER = "other"
