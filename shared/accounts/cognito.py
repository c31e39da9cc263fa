"""Accounts on Cognito: we never see a password beyond passing it on, and never store a token.

Contact information (name, email, phone) is kept in the user pool only — the policy's "used for
the purpose of verifying, securing, and accessing your account" — together with the version of
the privacy policy accepted at sign-up, written in the same call so an account can never exist
without its consent record.

Integrations: Cognito user pools (SignUp, ConfirmSignUp, InitiateAuth, RespondToAuthChallenge,
AdminGetUser, AdminUpdateUserAttributes, AdminDisableUser, AdminUserGlobalSignOut, ListUsers).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.accounts.cognito_errors import cognito_errors
from shared.accounts.directory import POLICY_ACCEPTED_AT_ATTR, POLICY_VERSION_ATTR, AccountDirectory
from shared.accounts.models import (
    ConfirmRequest,
    LoginRequest,
    MePatch,
    MfaLoginRequest,
    RefreshRequest,
    RegisterRequest,
)
from shared.accounts.output import ConfirmResponse, Me, MfaChallenge, RegisterResponse, Tokens
from shared.core.clock import utcnow
from shared.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
)
from shared.privacy import get_logger

logger = get_logger()


class _EmailTaken(Exception):
    """SignUp found an account with this email (never an answer of its own: see ``register``)."""


class Accounts:
    """The account operations, bound to one user pool and app client."""

    def __init__(self, idp: Any, user_pool_id: str, client_id: str) -> None:
        self._idp = idp
        self._pool = user_pool_id
        self._client = client_id

    def register(self, body: RegisterRequest, now: datetime | None = None) -> RegisterResponse | None:
        """The new account, or None if the email already has one: the caller answers as if it
        were new (shared/accounts/registration.py), so this is no 409."""
        accepted_at = (now or utcnow()).isoformat(timespec="seconds")
        try:
            with cognito_errors(
                {
                    "UsernameExistsException": _EmailTaken(),
                    "InvalidPasswordException": InvalidInput(
                        "The password does not meet the password policy.", "weak_password"
                    ),
                    "InvalidParameterException": InvalidInput("Some account details are not valid.", "invalid_account"),
                    "CodeDeliveryFailureException": ServiceUnavailable(
                        "The confirmation code could not be sent; try again.", "code_delivery_failed"
                    ),
                }
            ):
                response = self._idp.sign_up(
                    ClientId=self._client,
                    Username=body.email,
                    Password=body.password.get_secret_value(),
                    UserAttributes=[
                        {"Name": "email", "Value": body.email},
                        {"Name": "name", "Value": body.name},
                        {"Name": "phone_number", "Value": body.phone},
                        {"Name": POLICY_VERSION_ATTR, "Value": body.policy_version},
                        {"Name": POLICY_ACCEPTED_AT_ATTR, "Value": accepted_at},
                    ],
                )
        except _EmailTaken:
            logger.info("registration for an existing account answered as a new one")
            return None
        logger.info("account registered", extra={"policy_version": body.policy_version})
        return RegisterResponse(user_id=response["UserSub"], confirmation_required=not response["UserConfirmed"])

    def confirm(self, body: ConfirmRequest) -> ConfirmResponse:
        invalid = InvalidInput("The confirmation code is not valid.", "invalid_code")
        with cognito_errors(
            {
                "CodeMismatchException": invalid,
                "UserNotFoundException": invalid,  # same answer: no account enumeration
                "ExpiredCodeException": InvalidInput("The confirmation code has expired.", "code_expired"),
                # "Current status is CONFIRMED": an answer of its own would tell anyone the email
                # has an account (Cognito's existence protection hides unknown users only).
                "NotAuthorizedException": invalid,
            }
        ):
            self._idp.confirm_sign_up(ClientId=self._client, Username=body.email, ConfirmationCode=body.code)
        return ConfirmResponse(confirmed=True)

    def login(self, body: LoginRequest) -> Tokens | MfaChallenge:
        """Tokens, or the TOTP challenge of an account with MFA on (the password was right)."""
        wrong = Unauthenticated("Email or password is wrong.", "invalid_credentials")
        with cognito_errors(
            {
                "NotAuthorizedException": wrong,
                "UserNotFoundException": wrong,  # same answer: no account enumeration
                "UserNotConfirmedException": Forbidden("Confirm the account first.", "user_not_confirmed"),
                "PasswordResetRequiredException": Forbidden("The password must be reset.", "password_reset_required"),
            }
        ):
            response = self._idp.initiate_auth(
                ClientId=self._client,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": body.email,
                    "PASSWORD": body.password.get_secret_value(),
                },
            )
        if response.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
            return MfaChallenge(mfa_required="totp", session=response["Session"])
        return _tokens(response)

    def log_in_with_totp(self, body: MfaLoginRequest) -> Tokens:
        """The second step of a login with MFA on: the challenge's session and the app's code."""
        expired = Unauthenticated("The login session is not valid any more; log in again.", "mfa_session_invalid")
        with cognito_errors(
            {
                "CodeMismatchException": Unauthenticated("The code is not valid.", "invalid_mfa_code"),
                "ExpiredCodeException": Unauthenticated("The code is not valid.", "invalid_mfa_code"),
                "NotAuthorizedException": expired,
                "ResourceNotFoundException": expired,  # moto's answer to a session it never issued
                "UserNotFoundException": expired,
                "InvalidParameterException": expired,
            }
        ):
            response = self._idp.respond_to_auth_challenge(
                ClientId=self._client,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=body.session.get_secret_value(),
                ChallengeResponses={"USERNAME": body.email, "SOFTWARE_TOKEN_MFA_CODE": body.code},
            )
        return _tokens(response)

    def refresh(self, body: RefreshRequest) -> Tokens:
        with cognito_errors(
            {
                "NotAuthorizedException": Unauthenticated("The refresh token is not valid.", "invalid_refresh_token"),
                "UserNotFoundException": Unauthenticated("The refresh token is not valid.", "invalid_refresh_token"),
            }
        ):
            response = self._idp.initiate_auth(
                ClientId=self._client,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": body.refresh_token.get_secret_value()},
            )
        return _tokens(response)

    def get_me(self, user_id: str) -> Me:
        return AccountDirectory(self._idp, self._pool).get_me(user_id)

    def update_me(self, user_id: str, body: MePatch) -> Me:
        changes = []
        if body.name is not None:
            changes.append({"Name": "name", "Value": body.name})
        if body.phone is not None:
            changes.append({"Name": "phone_number", "Value": body.phone})
        with cognito_errors(
            {
                "UserNotFoundException": NotFound("No such account.", "account_not_found"),
                "InvalidParameterException": InvalidInput("Some account details are not valid.", "invalid_account"),
            }
        ):
            self._idp.admin_update_user_attributes(UserPoolId=self._pool, Username=user_id, UserAttributes=changes)
        logger.info("profile updated", extra={"fields": sorted(body.model_fields_set)})
        return self.get_me(user_id)

    def verify_password(self, user_id: str, password: str) -> None:
        """Fresh proof of identity before an irreversible action; the tokens it yields are dropped."""
        wrong = Unauthenticated("The password is wrong.", "invalid_credentials")
        with cognito_errors({"NotAuthorizedException": wrong, "UserNotFoundException": wrong}):
            self._idp.initiate_auth(
                ClientId=self._client,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user_id, "PASSWORD": password},
            )

    def disable(self, user_id: str) -> None:
        """No more logins, and every refresh token revoked."""
        with cognito_errors({"UserNotFoundException": NotFound("No such account.", "account_not_found")}):
            self._idp.admin_disable_user(UserPoolId=self._pool, Username=user_id)
            self._idp.admin_user_global_sign_out(UserPoolId=self._pool, Username=user_id)

    def user_id_for_email(self, email: str) -> str | None:
        """The operator path for deletion requests received by email."""
        quoted = email.replace("\\", "").replace('"', "")
        response = self._idp.list_users(UserPoolId=self._pool, Filter=f'email = "{quoted}"', Limit=2)
        users = response.get("Users", [])
        if len(users) != 1:
            return None
        attrs = {a["Name"]: a["Value"] for a in users[0].get("Attributes", [])}
        return str(attrs.get("sub") or users[0]["Username"])


def _tokens(response: dict[str, Any]) -> Tokens:
    result = response.get("AuthenticationResult")
    if not result:  # a challenge (e.g. MFA) the API does not offer yet
        raise Forbidden("Additional verification is required.", "challenge_required")
    return Tokens(
        id_token=result["IdToken"],
        access_token=result["AccessToken"],
        refresh_token=result.get("RefreshToken"),
        expires_in=int(result.get("ExpiresIn", 3600)),
        token_type=result.get("TokenType", "Bearer"),
    )
