"""Phone numbers are stored in E.164 only, so leads match call logs whatever format came in."""

from __future__ import annotations

import phonenumbers

REGION_PATTERN = r"^[A-Z]{2}$"


class InvalidPhone(ValueError):
    """Raised without the number in the message: the number is personal data."""


def to_e164(raw: str, default_region: str | None = None) -> str:
    """Normalize ``raw`` to E.164; national formats use ``default_region`` (ISO 3166 alpha-2)."""
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("not a valid phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
