"""Email addresses as a lead stores them: validated (email-validator), then lower-cased.

Nearly every address in bulk input is plain ASCII (``ravi.kumar@example.com``). Those that match
a strict pattern — dot-atoms of letters, digits and ``_%+-`` before the ``@``, hostname labels
after it, a letters-only top-level domain that is not special-use — are exactly the ones
email-validator accepts unchanged, so they skip it (~100 µs a call); anything else goes through
it. tests/unit/test_email_fast_path.py holds both paths to the same answer.
"""

from __future__ import annotations

import re
from typing import Annotated

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from pydantic import AfterValidator, Field
from pydantic.networks import import_email_validator
from pydantic.networks import validate_email as pydantic_validate_email

EMAIL_MAX = 254
LOCAL_MAX = 64
LABEL_MAX = 63
_PLAIN = re.compile(
    r"^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"  # local part: dot-atoms, no leading/trailing/double dot
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"  # hostname labels, no leading/trailing hyphen
    r"[A-Za-z]{2,63}$"  # a letters-only top-level domain
)


# An email address in a request body: exactly pydantic's ``EmailStr`` (the same validation, errors
# and schema), but pydantic's EmailStr looks up email-validator's installed version in the package
# metadata for every field it builds (~1.4 ms each, five in the accounts function); this checks it
# once per cold start.
import_email_validator()
EmailAddress = Annotated[
    str,
    AfterValidator(lambda value: pydantic_validate_email(value)[1]),
    Field(max_length=EMAIL_MAX, json_schema_extra={"format": "email"}),
]


class InvalidEmail(ValueError):
    """Raised without the address in the message: it is personal data."""


def normalize_email(text: str) -> str:
    """The address, lower-cased, if email-validator (without a DNS check) accepts it."""
    if len(text) > EMAIL_MAX:
        raise InvalidEmail("too long")
    if _is_plain(text):
        return text.lower()
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise InvalidEmail("not a valid email address") from None


def _is_plain(text: str) -> bool:
    if not _PLAIN.match(text):
        return False
    local, domain = text.rsplit("@", 1)
    domain = domain.lower()
    if len(local) > LOCAL_MAX or any(len(label) > LABEL_MAX or "--" in label for label in domain.split(".")):
        return False
    return not any(domain == special or domain.endswith(f".{special}") for special in SPECIAL_USE_DOMAIN_NAMES)
