"""What the accounts API answers with: the registration's and login's answers, tokens, the
caller's own profile and the MFA status.

Apart from the request models (``models.py``, with email-validator and phonenumbers) so that the
export, which shows the caller's profile but never takes account details in, does not load them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.core.models import Output, Timestamp


class RegisterResponse(Output):
    user_id: str
    confirmation_required: bool


class ConfirmResponse(Output):
    confirmed: bool


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


class MfaChallenge(Output):
    """Login's answer for an account with MFA on: no tokens until the code is sent."""

    mfa_required: Literal["totp"]
    session: str = Field(description="Send it back with the code to POST /v1/auth/login/mfa (valid 3 minutes)")


class TotpSetup(Output):
    secret: str = Field(description="Base32 secret for the authenticator app; shown once, never stored by us")
    otpauth_uri: str = Field(description="The same secret as an otpauth:// URI, for a QR code")


class MfaStatus(Output):
    mfa_enabled: bool
