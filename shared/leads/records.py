"""A lead record as the API shows it.

Apart from ``logic`` so that the export and delta sync, which show leads but never create one, do
not load what creating needs (python-ulid).
"""

from __future__ import annotations

from shared.leads.output import Lead
from shared.leads.repository import LeadRecord
from shared.leads.source import LeadSource


def to_model(record: LeadRecord) -> Lead:
    return Lead(
        lead_id=record.lead_id,
        name=record.name,
        phone=record.phone,
        email=record.email,
        company=record.company,
        notes=record.notes,
        tags=record.tags,
        source=LeadSource(record.source),
        created_at=record.created_at,
        updated_at=record.updated_at,
        version=record.version,
    )
