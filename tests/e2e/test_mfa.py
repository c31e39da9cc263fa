"""Optional TOTP multi-factor authentication (the policy's "securing, and accessing your account"):
an account turns it on with an authenticator app, and from then on login needs the app's code.

moto checks codes only with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true (set by the local stack),
and then against one fixed secret for every user: these tests read the secret the API hands out
and compute codes from it, so they hold against AWS's per-user secrets too. Wrong codes must fail.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.plugins.log_canary import register_canary
from tests.support import Api, TestUser, fresh_totp_code, register_tokens, wrong_totp_code

pytestmark = pytest.mark.e2e


def _login(api: Api, user: TestUser, password: str | None = None):  # type: ignore[no-untyped-def]
    return api.post("/v1/auth/login", json={"email": user.email, "password": password or user.password})


def _enable_totp(user: TestUser) -> str:
    setup = user.api.post("/v1/me/mfa/totp")
    assert setup.status_code == 200, setup.text
    secret = register_canary(setup.json()["secret"], "totp secret")
    enabled = user.api.post("/v1/me/mfa/totp/verify", json={"code": fresh_totp_code(secret)})
    assert enabled.status_code == 200, enabled.text
    assert enabled.json() == {"mfa_enabled": True}
    return secret


def test_the_local_stack_makes_moto_check_totp_codes(local_stack) -> None:  # type: ignore[no-untyped-def]
    assert os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] == "true"


def test_totp_is_off_until_verified_with_a_code_from_the_app(api: Api, user: TestUser) -> None:
    assert user.api.get("/v1/me").json()["mfa_enabled"] is False
    setup = user.api.post("/v1/me/mfa/totp")
    assert setup.status_code == 200
    secret = register_canary(setup.json()["secret"], "totp secret")
    uri = urlsplit(setup.json()["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [secret]
    assert user.email not in setup.json()["otpauth_uri"]  # the label names the app, not the person
    assert setup.headers["Cache-Control"] == "no-store"

    wrong = user.api.post("/v1/me/mfa/totp/verify", json={"code": wrong_totp_code(secret)})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "invalid_mfa_code"
    assert user.api.get("/v1/me").json()["mfa_enabled"] is False
    assert "access_token" in _login(api, user).json()  # still one factor

    right = user.api.post("/v1/me/mfa/totp/verify", json={"code": fresh_totp_code(secret)})
    assert right.status_code == 200
    assert right.json() == {"mfa_enabled": True}
    assert user.api.get("/v1/me").json()["mfa_enabled"] is True


def test_with_totp_on_login_needs_the_code_and_a_wrong_one_gets_no_tokens(api: Api, user: TestUser) -> None:
    secret = _enable_totp(user)

    challenge = _login(api, user)
    assert challenge.status_code == 200
    body = challenge.json()
    assert set(body) == {"mfa_required", "session"}
    assert body["mfa_required"] == "totp"
    session = register_canary(body["session"], "mfa session")

    wrong = api.post(
        "/v1/auth/login/mfa", json={"email": user.email, "session": session, "code": wrong_totp_code(secret)}
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_mfa_code"
    assert "access_token" not in wrong.text

    tokens = api.post(
        "/v1/auth/login/mfa", json={"email": user.email, "session": session, "code": fresh_totp_code(secret)}
    )
    assert tokens.status_code == 200, tokens.text
    register_tokens(tokens.json())
    assert set(tokens.json()) >= {"id_token", "access_token", "refresh_token", "expires_in", "token_type"}
    me = api.as_user(tokens.json()["access_token"]).get("/v1/me").json()
    assert (me["user_id"], me["mfa_enabled"]) == (user.user_id, True)

    # A wrong password is still the same 401 as ever: no challenge reveals a right email.
    refused = _login(api, user, "Wrong-password-1")
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "invalid_credentials")


def test_a_made_up_session_gets_no_tokens(api: Api, user: TestUser) -> None:
    secret = _enable_totp(user)
    forged = api.post(
        "/v1/auth/login/mfa", json={"email": user.email, "session": "x" * 64, "code": fresh_totp_code(secret)}
    )
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "mfa_session_invalid"


def test_turning_totp_off_needs_the_password(api: Api, user: TestUser) -> None:
    _enable_totp(user)
    wrong = user.api.delete("/v1/me/mfa", json={"password": "Wrong-password-1"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    assert user.api.get("/v1/me").json()["mfa_enabled"] is True

    off = user.api.delete("/v1/me/mfa", json={"password": user.password})
    assert off.status_code == 200
    assert off.json() == {"mfa_enabled": False}
    assert "access_token" in _login(api, user).json()
