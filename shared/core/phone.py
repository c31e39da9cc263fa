"""Phone numbers are stored in E.164 only, so leads match call logs whatever format came in.

Most numbers that arrive in bulk (an import's cells, a device's call log) are E.164 already.
For those, ``to_e164`` skips ``phonenumbers.parse`` (two thirds of its cost) and builds the
number from its digits; it still asks ``is_valid_number``, and it falls back to the full parse
wherever parsing could have read the digits differently (a national part starting with 0, or
with the country's national prefix). tests/unit/test_phone_fast_path.py holds both paths to the
same answer for every number.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumber
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, UNKNOWN_REGION

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class InvalidPhone(ValueError):
    """Raised without the number in the message: the number is personal data."""


def to_e164(raw: str, default_region: str | None = None) -> str:
    """Normalize ``raw`` to E.164; national formats use ``default_region`` (ISO 3166 alpha-2)."""
    built = _from_e164_digits(raw) if _E164.match(raw) else None
    if built is not None:
        if not phonenumbers.is_valid_number(built):
            raise InvalidPhone("not a valid phone number")
        return raw
    return parse_to_e164(raw, default_region)


def parse_to_e164(raw: str, default_region: str | None = None) -> str:
    """The full path: whatever ``phonenumbers`` can read."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _from_e164_digits(raw: str) -> PhoneNumber | None:
    """The number ``+<country code><national number>`` exactly as written, or None where parsing
    might read it otherwise. Country codes are prefix-free: the first that exists is the one."""
    for length in (1, 2, 3):
        country_code = int(raw[1 : 1 + length])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            national = raw[1 + length :]
            if not national or national[0] == "0" or _national_prefix(country_code).match(national):
                return None
            return PhoneNumber(country_code=country_code, national_number=int(national))
    return None  # no such country code: let parse refuse it


@cache
def _national_prefix(country_code: int) -> re.Pattern[str]:
    """What parse would strip from the start of a national number of this country code."""
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    pattern = metadata.national_prefix_for_parsing if metadata is not None and region != UNKNOWN_REGION else None
    if metadata is not None and pattern is None and metadata.national_prefix:
        pattern = re.escape(metadata.national_prefix)
    return re.compile(pattern or r"(?!)")


def region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
