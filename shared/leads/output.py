"""The lead as responses show it: the leads API's, the export's and the delta sync's.

Apart from the request models (``models.py``) so that the export and the sync, which show leads
but never take one in, do not build the request models and their validators at cold start.
"""

from __future__ import annotations

from pydantic import Field

from shared.core.models import Output, Timestamp
from shared.leads.source import LeadSource


class Lead(Output):
    lead_id: str
    name: str
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    notes: str | None = None
    tags: list[str] = Field(default_factory=list)
    source: LeadSource
    created_at: Timestamp
    updated_at: Timestamp
    version: int = Field(description="Counts the lead's writes; also its ETag. Send it back as If-Match")


class LeadPage(Output):
    items: list[Lead]
    next_cursor: str | None = Field(default=None, description="Opaque; pass back as ?cursor= for the next page")
