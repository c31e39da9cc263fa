"""Accounts: what registration, login and the caller's own profile take in. What they answer with
is in ``output.py``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, model_validator

from shared.accounts.policy import PolicyVersion
from shared.core.emails import EmailAddress
from shared.core.models import StrictInput
from shared.core.phone import InvalidPhone, to_e164
from shared.core.region import REGION_PATTERN
from shared.core.text import REMOVED_FROM_LINE, SINGLE_LINE


def account_phone(value: str, region: str | None) -> str:
    """E.164: international format, or national format read with ``region`` — never a guess."""
    try:
        return to_e164(value, region)
    except InvalidPhone:
        raise ValueError("phone must be a valid number: international format, or national with phone_region") from None


AccountPhone = Annotated[str, REMOVED_FROM_LINE, Field(min_length=3, max_length=32)]
PhoneRegion = Annotated[
    str, Field(pattern=REGION_PATTERN, description="ISO 3166 region of a national-format phone, e.g. IN, US")
]
PersonName = Annotated[str, Field(min_length=1, max_length=200), SINGLE_LINE]
Password = Annotated[SecretStr, Field(min_length=8, max_length=256)]


class RegisterRequest(StrictInput):
    name: PersonName
    email: EmailAddress
    phone: AccountPhone = Field(description="International format, or national with phone_region; stored in E.164")
    phone_region: PhoneRegion | None = None
    password: Password
    policy_version: PolicyVersion = Field(
        description="Version of the privacy policy the user accepted: one of the published versions",
    )

    @model_validator(mode="after")
    def _e164(self) -> RegisterRequest:
        self.phone = account_phone(self.phone, self.phone_region)
        return self


class ConfirmRequest(StrictInput):
    email: EmailAddress
    code: str = Field(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z]+$")


class LoginRequest(StrictInput):
    email: EmailAddress
    password: Annotated[SecretStr, Field(min_length=1, max_length=256)]


class RefreshRequest(StrictInput):
    refresh_token: SecretStr = Field(min_length=20, max_length=8192)


# --- multi-factor authentication (TOTP) ---------------------------------------------------------

TotpCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="The 6-digit code the authenticator app shows")]


class MfaLoginRequest(StrictInput):
    email: EmailAddress
    session: SecretStr = Field(min_length=20, max_length=4096)
    code: TotpCode


class TotpVerifyRequest(StrictInput):
    code: TotpCode


class MfaDisableRequest(StrictInput):
    password: Annotated[SecretStr, Field(min_length=1, max_length=256)]


class MePatch(StrictInput):
    name: PersonName | None = None
    phone: AccountPhone | None = None
    phone_region: PhoneRegion | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> MePatch:
        if self.name is None and self.phone is None:
            raise ValueError("give at least one of name, phone")
        if self.phone is not None:
            self.phone = account_phone(self.phone, self.phone_region)
        return self


__all__ = [
    "REGION_PATTERN",
    "ConfirmRequest",
    "LoginRequest",
    "MePatch",
    "MfaDisableRequest",
    "MfaLoginRequest",
    "RefreshRequest",
    "RegisterRequest",
    "TotpVerifyRequest",
]
