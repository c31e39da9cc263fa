"""Who an account is: to its owner, the profile (the export shows it); to anyone else, as much as
another person may be shown: the masked email.

The import's consent page (shared/imports/consent.py) names the account that will receive a
spreadsheet's leads, so that whoever opens an authorization link sees whose account it is before
Google is asked for anything. It shows ``a***@example.com``: enough for the owner to recognize
their own account and for anyone else to see it is not theirs; the full address stays private.

Integrations: Cognito user pools (AdminGetUser).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.accounts.cognito_errors import cognito_errors
from shared.accounts.output import Me
from shared.core.errors import NotFound

POLICY_VERSION_ATTR = "custom:policy_version"
POLICY_ACCEPTED_AT_ATTR = "custom:policy_accepted_at"


def mask_email(email: str) -> str:
    """``asha.rao@example.com`` → ``a***@example.com``: the first character and the domain."""
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def me_from(user_id: str, user: dict[str, Any]) -> Me:
    """The profile in a Cognito ``AdminGetUser`` answer."""
    attrs = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
    accepted = attrs.get(POLICY_ACCEPTED_AT_ATTR)
    return Me(
        user_id=user_id,
        name=attrs.get("name", ""),
        email=attrs.get("email", ""),
        phone=attrs.get("phone_number", ""),
        policy_version=attrs.get(POLICY_VERSION_ATTR),
        policy_accepted_at=datetime.fromisoformat(accepted) if accepted else None,
        created_at=user["UserCreateDate"],
        mfa_enabled="SOFTWARE_TOKEN_MFA" in (user.get("UserMFASettingList") or []),
    )


class AccountDirectory:
    """Reads one account: its owner's profile, or its email to show masked. Needs ``AdminGetUser``
    only."""

    def __init__(self, idp: Any, user_pool_id: str) -> None:
        self._idp = idp
        self._pool = user_pool_id

    def _user(self, user_id: str) -> dict[str, Any]:
        with cognito_errors({"UserNotFoundException": NotFound("No such account.", "account_not_found")}):
            user: dict[str, Any] = self._idp.admin_get_user(UserPoolId=self._pool, Username=user_id)
        return user

    def get_me(self, user_id: str) -> Me:
        return me_from(user_id, self._user(user_id))

    def masked_email(self, user_id: str) -> str:
        attributes = {a["Name"]: a["Value"] for a in self._user(user_id).get("UserAttributes", [])}
        return mask_email(attributes.get("email", ""))
