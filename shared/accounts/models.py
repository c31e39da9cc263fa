"""Accounts: registration, login, tokens and the caller's own profile."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, SecretStr, model_validator

from shared.accounts.policy import PolicyVersion
from shared.core.emails import EmailAddress
from shared.core.models import Output, StrictInput, Timestamp
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


class RegisterResponse(Output):
    user_id: str
    confirmation_required: bool


class ConfirmRequest(StrictInput):
    email: EmailAddress
    code: str = Field(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z]+$")


class ConfirmResponse(Output):
    confirmed: bool


class LoginRequest(StrictInput):
    email: EmailAddress
    password: Annotated[SecretStr, Field(min_length=1, max_length=256)]


class RefreshRequest(StrictInput):
    refresh_token: SecretStr = Field(min_length=20, max_length=8192)


class Tokens(Output):
    id_token: str
    access_token: str
    refresh_token: str | None = Field(default=None, description="Only on login; refresh keeps the one you have")
    expires_in: int
    token_type: str = "Bearer"


class Me(Output):
    user_id: str
    name: str
    email: str
    phone: str
    policy_version: str | None
    policy_accepted_at: Timestamp | None
    created_at: Timestamp
    mfa_enabled: bool = Field(description="Login needs a code from an authenticator app (TOTP)")


# --- multi-factor authentication (TOTP) ---------------------------------------------------------

TotpCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="The 6-digit code the authenticator app shows")]


class MfaChallenge(Output):
    """Login's answer for an account with MFA on: no tokens until the code is sent."""

    mfa_required: Literal["totp"]
    session: str = Field(description="Send it back with the code to POST /v1/auth/login/mfa (valid 3 minutes)")


class MfaLoginRequest(StrictInput):
    email: EmailAddress
    session: SecretStr = Field(min_length=20, max_length=4096)
    code: TotpCode


class TotpSetup(Output):
    secret: str = Field(description="Base32 secret for the authenticator app; shown once, never stored by us")
    otpauth_uri: str = Field(description="The same secret as an otpauth:// URI, for a QR code")


class TotpVerifyRequest(StrictInput):
    code: TotpCode


class MfaStatus(Output):
    mfa_enabled: bool


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
    "ConfirmResponse",
    "LoginRequest",
    "Me",
    "MePatch",
    "MfaChallenge",
    "MfaDisableRequest",
    "MfaLoginRequest",
    "MfaStatus",
    "RefreshRequest",
    "RegisterRequest",
    "RegisterResponse",
    "Tokens",
    "TotpSetup",
    "TotpVerifyRequest",
]
