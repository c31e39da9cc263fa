"""Optional TOTP multi-factor authentication: an authenticator app becomes the account's second
factor, and login then needs its code (the policy's "securing, and accessing your account").

Turning it on is two calls: ``associate`` hands out a fresh secret (the app shows it as a QR
code); ``verify_and_enable`` checks a code made from it and only then makes TOTP the account's
MFA, so an account can never require a code its owner cannot produce. Turning it off needs the
password, as deleting the account does. Cognito keeps the secret; we never store or log it.

These are Cognito's user APIs: they act on the user of the caller's own access token (which API
Gateway verified and the route's scope proved to be an access token), so the function needs no
IAM permission for them.

Integrations: Cognito user pools (AssociateSoftwareToken, VerifySoftwareToken,
SetUserMFAPreference; InitiateAuth for the password check).
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote, urlencode

from shared.accounts.cognito_errors import cognito_errors
from shared.accounts.output import MfaStatus, TotpSetup
from shared.core.errors import Conflict, InvalidInput, Unauthenticated
from shared.privacy import Pii, get_logger

logger = get_logger()

ISSUER = "Lead CRM"  # what the authenticator app shows; no email or name of the user in the URI
_TOKEN_REFUSED = Unauthenticated("The token is not valid.", "invalid_token")
_WRONG_CODE = InvalidInput("The code is not valid.", "invalid_mfa_code")


def otpauth_uri(secret: str) -> str:
    """The key URI authenticator apps read from a QR code (SHA-1, 6 digits, 30 s: Cognito's TOTP)."""
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": 6, "period": 30})
    return f"otpauth://totp/{quote(ISSUER)}?{query}"


class PasswordCheck(Protocol):
    def verify_password(self, user_id: str, password: str) -> None: ...


class Totp:
    """The caller's TOTP settings in Cognito, through the caller's own access token."""

    def __init__(self, idp: Any) -> None:
        self._idp = idp

    def associate(self, access_token: Pii[str]) -> TotpSetup:
        with cognito_errors({"NotAuthorizedException": _TOKEN_REFUSED}):
            response = self._idp.associate_software_token(AccessToken=access_token.reveal())
        secret = str(response["SecretCode"])
        return TotpSetup(secret=secret, otpauth_uri=otpauth_uri(secret))

    def verify_and_enable(self, access_token: Pii[str], code: str) -> MfaStatus:
        with cognito_errors(
            {
                "CodeMismatchException": _WRONG_CODE,
                "EnableSoftwareTokenMFAException": _WRONG_CODE,
                "NotAuthorizedException": _TOKEN_REFUSED,
                "InvalidParameterException": Conflict(
                    "Set up the authenticator first (POST /v1/me/mfa/totp).", "totp_not_set_up"
                ),
            }
        ):
            verified = self._idp.verify_software_token(AccessToken=access_token.reveal(), UserCode=code)
            if verified.get("Status") != "SUCCESS":
                raise _WRONG_CODE
            self._idp.set_user_mfa_preference(
                AccessToken=access_token.reveal(),
                SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
            )
        logger.info("mfa turned on", extra={"mfa": "totp"})
        return MfaStatus(mfa_enabled=True)

    def disable(self, access_token: Pii[str]) -> MfaStatus:
        with cognito_errors({"NotAuthorizedException": _TOKEN_REFUSED}):
            self._idp.set_user_mfa_preference(
                AccessToken=access_token.reveal(),
                SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
            )
        logger.info("mfa turned off", extra={"mfa": "totp"})
        return MfaStatus(mfa_enabled=False)


def turn_off_totp(
    passwords: PasswordCheck, totp: Totp, user_id: str, access_token: Pii[str], password: str
) -> MfaStatus:
    """Fresh proof of identity first (the password: a stolen access token alone cannot remove
    the second factor). AWS calls: InitiateAuth + SetUserMFAPreference."""
    passwords.verify_password(user_id, password)
    return totp.disable(access_token)
