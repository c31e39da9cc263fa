"""Who an account is, as much as another person may be shown: the masked email.

The import's consent page (shared/imports/consent.py) names the account that will receive a
spreadsheet's leads, so that whoever opens an authorization link sees whose account it is before
Google is asked for anything. It shows ``a***@example.com``: enough for the owner to recognize
their own account and for anyone else to see it is not theirs; the full address stays private.

Integrations: Cognito user pools (AdminGetUser).
"""

from __future__ import annotations

from typing import Any

from shared.accounts.cognito_errors import cognito_errors
from shared.core.errors import NotFound


def mask_email(email: str) -> str:
    """``asha.rao@example.com`` → ``a***@example.com``: the first character and the domain."""
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


class AccountDirectory:
    """Reads one account's email, to show it masked. Needs ``AdminGetUser`` only."""

    def __init__(self, idp: Any, user_pool_id: str) -> None:
        self._idp = idp
        self._pool = user_pool_id

    def masked_email(self, user_id: str) -> str:
        with cognito_errors({"UserNotFoundException": NotFound("No such account.", "account_not_found")}):
            user = self._idp.admin_get_user(UserPoolId=self._pool, Username=user_id)
        attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes", [])}
        return mask_email(attributes.get("email", ""))
