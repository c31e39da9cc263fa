"""Leads: the people a field sales user follows up. What the leads API takes in; what it answers
with is in ``output.py``.

A lead from the phone book is ONE contact chosen on the device ("We do not upload or transfer
your contact lists"): every body here describes one lead, and no route accepts a list of them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from shared.core.emails import EmailAddress
from shared.core.models import StrictInput
from shared.core.region import REGION_PATTERN
from shared.core.text import MULTI_LINE, REMOVED_FROM_LINE, SINGLE_LINE

LEAD_PAGE_MAX = 100
LEAD_PAGE_DEFAULT = 25

_NameText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[_NameText, SINGLE_LINE]
PhoneInput = Annotated[str, REMOVED_FROM_LINE, StringConstraints(strip_whitespace=True, min_length=3, max_length=32)]
Email = EmailAddress
Company = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), SINGLE_LINE]
Notes = Annotated[str, StringConstraints(max_length=5000), MULTI_LINE]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), SINGLE_LINE]
Tags = Annotated[list[Tag], Field(max_length=20)]
Region = Annotated[
    str,
    Field(pattern=REGION_PATTERN, description="ISO 3166 alpha-2 region for national-format numbers"),
]


class LeadCreate(StrictInput):
    # What _reachable checks, in the documented schema too.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["phone"], "properties": {"phone": {"type": "string"}}},
                {"required": ["email"], "properties": {"email": {"type": "string"}}},
            ]
        }
    )

    name: Name
    phone: PhoneInput | None = None
    phone_region: Region | None = None
    email: Email | None = None
    company: Company | None = None
    notes: Notes | None = None
    tags: Tags = Field(default_factory=list)
    source: Literal["manual", "phonebook", "other"] = "manual"

    @model_validator(mode="after")
    def _reachable(self) -> LeadCreate:
        if not self.phone and not self.email:
            raise ValueError("give at least one of phone, email")
        return self


class LeadPatch(StrictInput):
    """Fields to change; ``null`` clears an optional field."""

    # What _something_to_change checks, in the documented schema too (as near as JSON Schema goes).
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    # Documented as a string: null is refused. The text rule wraps the union, so a refusal names
    # body.name rather than one of the union's members.
    name: Annotated[_NameText | SkipJsonSchema[None], SINGLE_LINE] = None
    phone: PhoneInput | None = None
    phone_region: Region | None = None
    email: Email | None = None
    company: Company | None = None
    notes: Notes | None = None
    tags: Tags | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> LeadPatch:
        if not (self.model_fields_set - {"phone_region"}):
            raise ValueError("give at least one field to change")
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be cleared")
        return self
