"""Accounts function: registration, confirmation, login, token refresh and /v1/me."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.accounts.mfa import turn_off_totp
from shared.accounts.models import (
    ConfirmRequest,
    LoginRequest,
    MePatch,
    MfaDisableRequest,
    MfaLoginRequest,
    RefreshRequest,
    RegisterRequest,
    TotpVerifyRequest,
)
from shared.accounts.output import ConfirmResponse, Me, MfaChallenge, MfaStatus, RegisterResponse, Tokens, TotpSetup
from shared.accounts.registration import register_account
from shared.accounts.revocation import refuse_tokens_of_deleted_accounts
from shared.accounts.wiring import accounts, totp
from shared.core.api import JSON, build_resolver
from shared.core.identity import caller_access_token, current_user_id, revocations
from shared.core.links import deletion_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.erasure.models import DeleteAccountRequest, DeletionScheduled, DeletionStatus
from shared.erasure.receipts import deletion_status
from shared.erasure.schedule import schedule_erasure
from shared.erasure.wiring import deletions, receipt_hasher, start_erasure_workflow
from shared.preferences.wiring import preferences_repository
from shared.resources import ACCOUNTS_FUNCTION

load_settings(ACCOUNTS_FUNCTION)
router = Router()
TAGS = ["accounts"]


@router.post(
    "/v1/auth/register",
    summary="Create an account",
    tags=TAGS,
    description="An email that already has an account gets the same answer as a new one (no account "
    "enumeration); only the mailbox's owner can tell, by the confirmation code that arrives or not.",
    responses=responses(400, 422, created=RegisterResponse),
)
def register(body: RegisterRequest) -> Response[RegisterResponse]:
    registration = register_account(accounts(), preferences_repository(), body)
    if registration.created:
        count("AccountRegistered")
    return Response(status_code=201, content_type=JSON, body=registration.answer)


@router.post(
    "/v1/auth/confirm",
    summary="Confirm the account with the emailed code",
    description="A wrong or expired code, an unknown email and an account already confirmed all get "
    "422 invalid_code (expired: code_expired): the answer tells nobody whether the email has an account.",
    tags=TAGS,
    responses=responses(400, 422, ok=ConfirmResponse),
)
def confirm(body: ConfirmRequest) -> ConfirmResponse:
    return accounts().confirm(body)


@router.post(
    "/v1/auth/login",
    summary="Log in with email and password",
    description="Tokens; or, for an account with MFA on, {mfa_required: totp, session}: send the session "
    "and the authenticator app's code to POST /v1/auth/login/mfa for the tokens.",
    tags=TAGS,
    responses=responses(400, 401, 403, 422, ok=Tokens | MfaChallenge),
)
def login(body: LoginRequest) -> Tokens | MfaChallenge:
    answer = accounts().login(body)
    if isinstance(answer, MfaChallenge):
        count("LoginMfaChallenge")
        return answer
    tokens = refuse_tokens_of_deleted_accounts(revocations(), answer)
    count("Login")
    return tokens


@router.post(
    "/v1/auth/login/mfa",
    summary="Finish a login with MFA on: the session from POST /v1/auth/login and the app's code",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=Tokens),
)
def login_mfa(body: MfaLoginRequest) -> Tokens:
    tokens = refuse_tokens_of_deleted_accounts(revocations(), accounts().log_in_with_totp(body))
    count("Login")
    return tokens


@router.post(
    "/v1/auth/refresh",
    summary="New id and access tokens from a refresh token",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=Tokens),
)
def refresh(body: RefreshRequest) -> Tokens:
    return refuse_tokens_of_deleted_accounts(revocations(), accounts().refresh(body))


@router.get(
    "/v1/me",
    summary="The caller's profile",
    tags=TAGS,
    responses=responses(401, 404, ok=Me),
)
def get_me() -> Me:
    return accounts().get_me(current_user_id(router))


@router.patch(
    "/v1/me",
    summary="Change the caller's name or phone",
    tags=TAGS,
    responses=responses(400, 401, 404, 422, ok=Me),
)
def patch_me(body: MePatch) -> Me:
    return accounts().update_me(current_user_id(router), body)


@router.post(
    "/v1/me/mfa/totp",
    summary="Set up an authenticator app: a fresh TOTP secret (MFA stays off until verified)",
    tags=TAGS,
    responses=responses(401, ok=TotpSetup),
)
def set_up_totp() -> TotpSetup:
    return totp().associate(caller_access_token(router))


@router.post(
    "/v1/me/mfa/totp/verify",
    summary="Turn MFA on with a code from the authenticator app; login then needs a code",
    tags=TAGS,
    responses=responses(400, 401, 409, 422, ok=MfaStatus),
)
def verify_totp(body: TotpVerifyRequest) -> MfaStatus:
    status = totp().verify_and_enable(caller_access_token(router), body.code)
    count("MfaEnabled")
    return status


@router.delete(
    "/v1/me/mfa",
    summary="Turn MFA off (re-enter your password)",
    tags=TAGS,
    responses=responses(400, 401, 422, ok=MfaStatus),
)
def turn_off_mfa(body: MfaDisableRequest) -> MfaStatus:
    user_id = current_user_id(router)
    status = turn_off_totp(accounts(), totp(), user_id, caller_access_token(router), body.password.get_secret_value())
    count("MfaDisabled")
    return status


@router.delete(
    "/v1/me",
    summary="Delete your account and all your data (re-enter your password)",
    description=(
        "Revokes the account at once (no login, every token refused) and erases everything "
        "asynchronously. Encrypted backups holding it expire within 90 days."
    ),
    tags=TAGS,
    responses={
        202: {
            "description": "Scheduled",
            "content": {JSON: {"model": DeletionScheduled}},
            "links": deletion_links(),
        },
        **responses(400, 401, 422),
    },
)
def delete_me(body: DeleteAccountRequest) -> Response[DeletionScheduled]:
    scheduled = schedule_erasure(
        accounts(),
        deletions(),
        receipt_hasher(),
        start_erasure_workflow,
        current_user_id(router),
        body.password.get_secret_value(),
    )
    count("AccountDeletionRequested")
    return Response(status_code=202, content_type=JSON, body=scheduled)


@router.get(
    "/v1/deletions/<deletion_id>",
    summary="Whether an account deletion has completed, and when backups holding it expire",
    tags=TAGS,
    responses=responses(404, ok=DeletionStatus),
)
def get_deletion(deletion_id: Annotated[str, Path(min_length=1, max_length=64)]) -> DeletionStatus:
    return deletion_status(deletions(), deletion_id)


app = build_resolver(router)
handler = api_handler(app)
prime(ACCOUNTS_FUNCTION, app)
