"""Sheet rows → lead drafts: headers matched like a person would read them, cells validated
like the API validates a lead, and every rejection named by a code (never the cell)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.imports.errors import MappingHeaderNotFound, MappingIncomplete
from shared.imports.mapping import normalize_header, resolve_columns, validate_mapping
from shared.imports.rows import LeadDraft, RowError, cell_text, draft_from_cells, is_scientific


@pytest.mark.parametrize(
    ("header", "normalized"),
    [("Téléphone", "telephone"), ("E-MAIL", "e mail"), ("  Mobile No. ", "mobile no"), ("Nº Teléfono", "no telefono")],
)
def test_headers_compare_without_case_accents_or_punctuation(header: str, normalized: str) -> None:
    assert normalize_header(header) == normalized


def test_auto_mapping_finds_common_header_names() -> None:
    header = ["Sr", "Customer Name", "Téléphone", "E-mail", "Organisation", "Remarks", "Secret column"]
    assert resolve_columns(header, None) == {
        "name": (1,),
        "phone": (2,),
        "email": (3,),
        "company": (4,),
        "notes": (5,),
    }


def test_first_and_last_name_columns_make_the_name() -> None:
    columns = resolve_columns(["First Name", "Last Name", "Mobile"], None)
    assert columns == {"name": (0, 1), "phone": (2,)}
    draft = draft_from_cells(2, ["Ravi", "Kumar", "9876543210"], columns, "IN")
    assert isinstance(draft, LeadDraft)
    assert draft.name == "Ravi Kumar"


def test_explicit_mapping_uses_the_named_columns_only() -> None:
    header = ["Phone", "Who", "Backup phone", "Mail"]
    columns = resolve_columns(header, {"who": "name", "BACKUP PHONE": "phone"})
    assert columns == {"name": (1,), "phone": (2,)}


def test_explicit_mapping_naming_a_missing_header_fails_the_import() -> None:
    with pytest.raises(MappingHeaderNotFound):
        resolve_columns(["Name", "Phone"], {"Name": "name", "Cell": "phone"})


@pytest.mark.parametrize("header", [["Name", "Company"], ["Phone", "Email"], []])
def test_a_sheet_without_name_and_contact_columns_fails_the_import(header: list[str]) -> None:
    with pytest.raises(MappingIncomplete):
        resolve_columns(header, None)


@pytest.mark.parametrize(
    "mapping",
    [{"A": "phone"}, {"A": "name"}, {"A": "name", "B": "phone", "C": "phone"}, {"A": "name", "a": "phone"}],
)
def test_unusable_explicit_mappings_are_refused_up_front(mapping: dict[str, str]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - pydantic turns it into a 422
        validate_mapping(mapping)


COLUMNS = {"name": (0,), "phone": (1,), "email": (2,), "company": (3,), "notes": (4,), "tags": (5,)}


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        (["", "9876543210"], "missing_name"),
        (["A" * 201, "9876543210"], "name_too_long"),
        (["Ravi", "", ""], "missing_contact"),
        (["Ravi", "12345"], "invalid_phone"),
        (["Ravi", "", "not-an-email"], "invalid_email"),
        (["Ravi", "9876543210", "", "C" * 201], "company_too_long"),
        (["Ravi", "9876543210", "", "", "N" * 5001], "notes_too_long"),
        (["Ravi", "9876543210", "", "", "", ",".join(f"t{i}" for i in range(21))], "too_many_tags"),
        (["Ravi", "9876543210", "", "", "", "x" * 51], "tag_too_long"),
    ],
)
def test_rejected_rows_carry_their_row_number_and_a_code_only(cells: list[Any], code: str) -> None:
    assert draft_from_cells(7, cells, COLUMNS, "IN") == RowError(7, code)


def test_a_row_with_only_unmapped_content_is_ignored() -> None:
    assert draft_from_cells(3, ["", "", "", "", "", "", "some unmapped note"], COLUMNS, "IN") is None


def test_a_valid_row_becomes_a_normalized_draft() -> None:
    cells = [" Ravi Kumar ", "098765 43,210", "Ravi@Example.COM", "Kumar Traders", "Call at 5", "vip, north ,vip"]
    draft = draft_from_cells(9, cells, COLUMNS, "IN")
    assert draft == LeadDraft(
        row=9,
        name="Ravi Kumar",
        phone="+919876543210",
        email="ravi@example.com",
        company="Kumar Traders",
        notes="Call at 5",
        tags=["vip", "north"],
    )
    assert draft.contact_keys() == [("phone", "+919876543210"), ("email", "ravi@example.com")]


@pytest.mark.parametrize(
    ("value", "text"),
    [(9876543210, "9876543210"), (9876543210.0, "9876543210"), (1.5, "1.5"), (True, "TRUE"), (None, ""), (" x ", "x")],
)
def test_unformatted_cells_become_the_text_a_person_would_type(value: Any, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(("text", "scientific"), [("9.19812E+11", True), ("1e10", True), ("+919812", False)])
def test_scientific_display_is_recognized(text: str, scientific: bool) -> None:
    assert is_scientific(text) is scientific
