"""The E.164 fast path of ``to_e164`` answers exactly what the full parse answers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from shared.core import phone
from shared.core.phone import InvalidPhone, parse_to_e164, to_e164

COUNTRY_CODES = sorted(COUNTRY_CODE_TO_REGION_CODE)
EXAMPLES = sorted(
    {
        phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        for region in phonenumbers.SUPPORTED_REGIONS
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
        if (example := phonenumbers.example_number_for_type(region, kind)) is not None
    }
)


def _answer(normalize: object, raw: str) -> str | None:
    try:
        return normalize(raw)  # type: ignore[operator]
    except InvalidPhone:
        return None


@given(st.sampled_from(COUNTRY_CODES), st.text(alphabet="0123456789", min_size=1, max_size=14))
@settings(max_examples=1000, deadline=None)
def test_any_plus_and_digits_gets_the_same_answer_both_ways(country_code: int, national: str) -> None:
    raw = f"+{country_code}{national}"[:16]
    assert _answer(to_e164, raw) == _answer(parse_to_e164, raw)


def test_every_regions_example_numbers_are_accepted_unchanged_both_ways() -> None:
    assert len(EXAMPLES) > 400
    assert [to_e164(raw) for raw in EXAMPLES] == [parse_to_e164(raw) for raw in EXAMPLES] == EXAMPLES


def test_the_fast_path_is_taken_for_plain_e164_and_not_where_parsing_could_differ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    real_parse = phonenumbers.parse

    def counting_parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber:
        parsed.append(raw)
        return real_parse(raw, region)

    monkeypatch.setattr(phone.phonenumbers, "parse", counting_parse)
    assert to_e164("+919812345678") == "+919812345678"
    with pytest.raises(InvalidPhone):
        to_e164("+919800000")  # too short for India: refused by the validity check alone
    assert parsed == []  # both built from their digits
    assert to_e164("+390612345678") == "+390612345678"  # Italy keeps its national 0: parsed
    assert to_e164("+1 415 555 2671", "US") == "+14155552671"
    assert parsed == ["+390612345678", "+1 415 555 2671"]
