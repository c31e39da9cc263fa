"""One sheet row → one lead draft, or an error code. Nothing here keeps or logs a cell.

Cells arrive as Google renders them: text (``FORMATTED_VALUE``, what the user sees, keeping a
phone's leading zero) or numbers and booleans (``UNFORMATTED_VALUE``). Both become text the same
way; phones are always parsed as text. Control characters and bidirectional formatting controls
are removed from every cell (shared/core/text.py: the sheet was written by someone, not typed
into the app, and one such character must not cost a row).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.core.emails import InvalidEmail, normalize_email
from shared.core.phone import InvalidPhone, to_e164
from shared.core.text import remove_controls
from shared.imports.mapping import MULTI_COLUMN_FIELDS, Columns
from shared.imports.row_errors import RowError
from shared.leads.contacts import ContactKey, contacts_of

__all__ = ["LeadDraft", "RowError", "cell_text", "draft_from_cells", "is_scientific"]

NAME_MAX = 200
COMPANY_MAX = 200
NOTES_MAX = 5000
TAGS_MAX = 20
TAG_MAX = 50
# How Sheets shows a long number in scientific notation: the digits are only in the raw value.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


@dataclass(slots=True)
class LeadDraft:
    row: int
    name: str
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    notes: str | None = None
    tags: list[str] = field(default_factory=list)

    def contact_keys(self) -> list[ContactKey]:
        """What a duplicate is matched by: the phone first, then the email."""
        return contacts_of(self.phone, self.email)


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    return remove_controls(str(value), multiline=True).strip()


def is_scientific(text: str) -> bool:
    return bool(_SCIENTIFIC.match(text))


def _field_text(cells: Sequence[Any], columns: Columns, name: str) -> str:
    indexes = columns.get(name, ())
    parts = [cell_text(cells[i]) for i in indexes if i < len(cells)]
    return MULTI_COLUMN_FIELDS.get(name, "").join(part for part in parts if part)


def draft_from_cells(row: int, cells: Sequence[Any], columns: Columns, region: str) -> LeadDraft | RowError | None:
    """The lead a row describes; ``None`` for a row whose mapped cells are all empty."""
    texts = {name: _field_text(cells, columns, name) for name in columns}
    if not any(texts.values()):
        return None
    name = texts.get("name", "")
    if not name:
        return RowError(row, "missing_name")
    if len(name) > NAME_MAX:
        return RowError(row, "name_too_long")
    phone_text = texts.get("phone", "").replace(",", "")
    email_text = texts.get("email", "")
    if not phone_text and not email_text:
        return RowError(row, "missing_contact")
    phone = None
    if phone_text:
        try:
            phone = to_e164(phone_text, region)
        except InvalidPhone:
            return RowError(row, "invalid_phone")
    email = None
    if email_text:
        try:
            email = normalize_email(email_text)
        except InvalidEmail:
            return RowError(row, "invalid_email")
    company = texts.get("company") or None
    if company and len(company) > COMPANY_MAX:
        return RowError(row, "company_too_long")
    notes = texts.get("notes") or None
    if notes and len(notes) > NOTES_MAX:
        return RowError(row, "notes_too_long")
    tags = list(dict.fromkeys(tag.strip() for tag in texts.get("tags", "").split(",") if tag.strip()))
    if len(tags) > TAGS_MAX:
        return RowError(row, "too_many_tags")
    if any(len(tag) > TAG_MAX for tag in tags):
        return RowError(row, "tag_too_long")
    return LeadDraft(row=row, name=name, phone=phone, email=email, company=company, notes=notes, tags=tags)
