"""moto's Cognito, corrected where it lets through what Cognito refuses: a refresh token of a user
who was disabled or deleted.

Cognito answers NotAuthorizedException to REFRESH_TOKEN_AUTH once the user is disabled or gone.
moto 5.2.5 issues new tokens for a disabled user, and for a deleted one fails inside (an
AttributeError, a 500 that the API turned into 503). An account's deletion disables the user and
the erasure then deletes it, so a refresh raced the erasure: 401 before it, 503 after.
"""

from __future__ import annotations

from typing import Any

from moto.cognitoidp.exceptions import NotAuthorizedError
from moto.cognitoidp.models import CognitoIdpUserPool

_original = CognitoIdpUserPool.create_tokens_from_refresh_token
REVOKED = "Refresh Token has been revoked"


def _refresh_only_for_enabled_users(self: CognitoIdpUserPool, refresh_token: str) -> Any:
    issued = self.refresh_tokens.get(refresh_token)
    if issued is not None and issued[1]:
        user = self._get_user(issued[1])
        if user is None or not user.enabled:
            raise NotAuthorizedError(REVOKED)
    return _original(self, refresh_token)


def refuse_refresh_of_gone_users() -> None:
    """Idempotent; moto runs in this process, so patching its model class is enough."""
    CognitoIdpUserPool.create_tokens_from_refresh_token = _refresh_only_for_enabled_users  # type: ignore[method-assign]
