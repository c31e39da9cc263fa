"""Which sheet columns become which lead fields.

Headers are compared case-, accent- and punctuation-insensitively ("Téléphone", "E-mail",
"MOBILE NO."). Without an explicit mapping, columns are matched by common header names. Header
cells are sheet data: they are read into memory by the prepare step, turned into column indexes
here, and dropped; only the indexes travel on (sealed with the token).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from shared.imports.errors import MappingHeaderNotFound, MappingIncomplete

LeadField = Literal["name", "phone", "email", "company", "notes", "tags"]
# Fields that several columns may fill, joined in column order (e.g. First name + Last name).
MULTI_COLUMN_FIELDS = {"name": " ", "notes": "\n"}

Columns = dict[str, tuple[int, ...]]  # lead field → 0-based column indexes

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "full name",
        "fullname",
        "contact name",
        "lead name",
        "customer name",
        "client name",
        "contact",
        "customer",
        "client",
        "nombre",
        "nom",
        "naam",
    ),
    "phone": (
        "phone",
        "phone number",
        "phone no",
        "mobile",
        "mobile number",
        "mobile no",
        "cell",
        "cell phone",
        "cellphone",
        "telephone",
        "tel",
        "contact number",
        "contact no",
        "whatsapp",
        "whatsapp number",
        "telefono",
        "celular",
        "numero",
    ),
    "email": ("email", "e mail", "mail", "email address", "e mail address", "correo", "correo electronico"),
    "company": (
        "company",
        "company name",
        "organisation",
        "organization",
        "business",
        "firm",
        "empresa",
        "societe",
    ),
    "notes": ("notes", "note", "comments", "comment", "remarks", "remark", "description", "details", "notas"),
    "tags": ("tags", "tag", "labels", "label"),
}
_FIELD_BY_HEADER = {synonym: field for field, synonyms in _SYNONYMS.items() for synonym in synonyms}
_FIRST_NAME = ("first name", "firstname", "given name", "first")
_LAST_NAME = ("last name", "lastname", "surname", "family name", "last")


def normalize_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", plain.casefold()).strip()


def _header_texts(header: Sequence[Any]) -> list[str]:
    return [normalize_header(str(cell)) if cell is not None else "" for cell in header]


def check_complete(fields: set[str]) -> bool:
    return "name" in fields and bool(fields & {"phone", "email"})


def validate_mapping(mapping: Mapping[str, str]) -> None:
    """An explicit mapping (header → field) must be usable before any sheet is read.

    Raises ``ValueError`` (turned into a 422 by the request model).
    """
    seen: dict[str, int] = {}
    normalized = set()
    for header, field in mapping.items():
        key = normalize_header(header)
        if not key or key in normalized:
            raise ValueError("each header may appear once")
        normalized.add(key)
        seen[field] = seen.get(field, 0) + 1
    for field, times in seen.items():
        if times > 1 and field not in MULTI_COLUMN_FIELDS:
            raise ValueError("a lead field may come from one column only")
    if not check_complete(set(seen)):
        raise ValueError("map a name column and a phone or email column")


def resolve_columns(header: Sequence[Any], mapping: Mapping[str, str] | None) -> Columns:
    """Column indexes of each mapped field, from the header row's cells.

    Raises :class:`MappingHeaderNotFound` when an explicitly mapped header is missing and
    :class:`MappingIncomplete` when no name or no phone/email column can be found.
    """
    texts = _header_texts(header)
    found: dict[str, list[int]] = {}
    if mapping:
        wanted = {normalize_header(name): field for name, field in mapping.items()}
        for key, field in wanted.items():
            if key not in texts:
                raise MappingHeaderNotFound()
            found.setdefault(field, []).append(texts.index(key))
    else:
        for index, text in enumerate(texts):
            matched = _FIELD_BY_HEADER.get(text)
            if matched and matched not in found:
                found[matched] = [index]
        if "name" not in found:
            first = next((i for i, text in enumerate(texts) if text in _FIRST_NAME), None)
            last = next((i for i, text in enumerate(texts) if text in _LAST_NAME), None)
            parts = [i for i in (first, last) if i is not None]
            if parts:
                found["name"] = parts
    if not check_complete(set(found)):
        raise MappingIncomplete()
    return {field: tuple(sorted(indexes)) for field, indexes in found.items()}


def last_column(columns: Columns) -> int:
    return max(index for indexes in columns.values() for index in indexes)
