"""What text the API keeps (shared/core/text.py): no NUL or other control characters, and no
bidirectional formatting controls (U+202A to U+202E, U+2066 to U+2069), which can make a stored name
display as something else ("Ravi\u202egnp.exe"). Text a person types through the app is refused
(422 invalid_characters); text written by someone else and synced unattended (SMS bodies, sheet
cells) and phone numbers (stored as E.164 anyway) have those characters removed.

Every free-text field of every request body says which rule it follows in the OpenAPI document
(``x-control-characters``), so a field added without a decision fails here."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from functions.openapi import openapi_document
from shared.accounts.models import MePatch
from shared.activities.models import ActivityCreate, SmsLogEntry
from shared.core.text import BIDI_CONTROLS, MultiLine, SingleLine, remove_controls
from shared.imports.rows import LeadDraft, draft_from_cells
from shared.leads.models import LeadCreate

DOCUMENT = openapi_document()
SCHEMAS = DOCUMENT["components"]["schemas"]
RULE = "x-control-characters"
HOSTILE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", *BIDI_CONTROLS]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _strings(schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """Every string schema under ``schema`` (properties, items, options, property names)."""
    schema = _resolve(schema)
    found: list[tuple[str, dict[str, Any]]] = []
    if schema.get("type") == "string":
        found.append((where, schema))
    for option in schema.get("anyOf", []):
        if "required" not in option:  # a branch that only constrains (LeadCreate: phone or email)
            found += _strings(option, where)
    for name, child in schema.get("properties", {}).items():
        found += _strings(child, f"{where}.{name}")
    if "items" in schema:
        found += _strings(schema["items"], f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        found += _strings(schema["additionalProperties"], f"{where}.*")
    if "propertyNames" in schema:
        found += _strings({"type": "string", **schema["propertyNames"]}, f"{where} keys")
    return found


def _request_bodies() -> dict[str, dict[str, Any]]:
    bodies = {}
    for operations in DOCUMENT["paths"].values():
        for operation in operations.values():
            if "requestBody" in operation:
                reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                bodies[reference.rsplit("/", 1)[-1]] = SCHEMAS[reference.rsplit("/", 1)[-1]]
    return bodies


def _is_free_text(schema: dict[str, Any]) -> bool:
    fixed = "enum" in schema or "const" in schema  # e.g. policy_version: one of the published versions
    return not fixed and schema.get("format") not in ("date-time", "password", "email")


def test_every_free_text_field_of_a_request_says_which_rule_it_follows() -> None:
    undecided = [
        f"{name}{where}"
        for name, body in _request_bodies().items()
        for where, schema in _strings(body, "")
        if _is_free_text(schema) and "pattern" not in schema and RULE not in schema
    ]
    assert undecided == []


def test_the_document_tells_clients_where_controls_are_refused_and_where_removed() -> None:
    lead = SCHEMAS["LeadCreate"]["properties"]
    assert _resolve(lead["name"])[RULE] == "refused"
    assert next(s for _, s in _strings(lead["notes"], "") if RULE in s)[RULE] == "refused"
    assert next(s for _, s in _strings(lead["phone"], "") if RULE in s)[RULE] == "removed"
    sms = _resolve(SCHEMAS["SmsLogEntry"]["properties"]["body"])
    assert next(s for _, s in _strings(sms, "") if RULE in s)[RULE] == "removed"
    # refused ones carry a pattern that says the same, so schema-driven clients (and fuzzers) know
    name = _resolve(lead["name"])
    assert "\\u202e" in name["pattern"].lower()


@pytest.mark.parametrize("character", HOSTILE, ids=lambda c: f"U+{ord(c):04X}")
def test_single_line_text_refuses_controls_and_bidi_formatting(character: str) -> None:
    with pytest.raises(ValidationError) as refused:
        LeadCreate.model_validate({"name": f"Ravi{character}Kumar", "email": "ravi@example.com"})
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [(("name",), "invalid_characters")]
    with pytest.raises(ValidationError):
        MePatch.model_validate({"name": f"Asha{character}Rao"})


@pytest.mark.parametrize("character", [c for c in HOSTILE if c != "\u2028"], ids=lambda c: f"U+{ord(c):04X}")
def test_multi_line_text_refuses_them_too_but_keeps_tabs_and_line_breaks(character: str) -> None:
    note = {"type": "note", "at": "2026-05-01T10:00:00Z"}
    with pytest.raises(ValidationError) as refused:
        ActivityCreate.model_validate(note | {"body": f"call back{character}tomorrow"})
    assert refused.value.errors()[0]["type"] == "invalid_characters"
    kept = ActivityCreate.model_validate(note | {"body": "line one\r\nline two\twith a tab\u2028next"})
    assert kept.body == "line one\r\nline two\twith a tab\u2028next"


def test_letters_of_every_script_and_the_marks_they_need_are_kept() -> None:
    # RLM/LRM, ALM, ZWJ and ZWNJ are part of how Arabic, Hebrew, Persian and Indic text is written.
    names = [
        "Zoë Ångström",
        "李小龙",
        "רבקה\u200f כהן",
        "\u0645\u062d\u0645\u062f\u061c \u0639\u0644\u064a",
        "क्\u200dष",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "Ravi 🙂",
    ]
    for name in names:
        assert LeadCreate.model_validate({"name": name, "email": "x@example.com"}).name == name


def test_sms_bodies_and_phones_have_them_removed() -> None:
    entry = SmsLogEntry.model_validate(
        {
            "number": "\u202a+91 98765 43210\u202c",
            "direction": "incoming",
            "at": "2026-05-01T10:00:00Z",
            "body": "Pay\u202e now\x00 ok\u2066\u2069\nthanks",
        }
    )
    assert entry.number == "+91 98765 43210"
    assert entry.body == "Pay now ok\nthanks"
    lead = LeadCreate.model_validate({"name": "Ravi", "phone": "\u202a098765 43210\u202c"})
    assert lead.phone == "098765 43210"


def test_imported_cells_have_them_removed() -> None:
    columns = {"name": (0,), "phone": (1,), "company": (2,), "notes": (3,), "tags": (4,)}
    cells = [
        "Ravi\u202e Kumar\x00",
        "\u202a9876543210\u202c",
        "Acme\u2067 Traders",
        "call\x07 back\nsoon",
        "vip,\u202ehot",
    ]
    draft = draft_from_cells(2, cells, columns, "IN")
    assert isinstance(draft, LeadDraft)
    assert (draft.name, draft.phone, draft.company, draft.notes, draft.tags) == (
        "Ravi Kumar",
        "+919876543210",
        "Acme Traders",
        "call back\nsoon",
        ["vip", "hot"],
    )


def test_remove_controls_keeps_line_breaks_only_in_multi_line_text() -> None:
    assert remove_controls("a\tb\nc\u202ed\x00", multiline=True) == "a\tb\nc" + "d"
    assert remove_controls("a\tb\nc\u202ed\x00", multiline=False) == "abcd"


def test_the_annotations_can_be_used_on_any_model() -> None:
    class Example(BaseModel):
        line: SingleLine
        text: MultiLine

    assert Example(line="ok", text="fine\nhere").line == "ok"
    with pytest.raises(ValidationError):
        Example(line="no\nbreaks", text="fine")
