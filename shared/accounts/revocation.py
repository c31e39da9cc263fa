"""Login and refresh hand out nothing for an account being deleted."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Protocol

from shared.accounts.output import Tokens
from shared.core.clock import utcnow
from shared.core.errors import Unauthenticated


class RevocationCheck(Protocol):
    def is_revoked(self, user_id: str, now: datetime) -> bool: ...


def refuse_tokens_of_deleted_accounts(revocations: RevocationCheck, tokens: Tokens) -> Tokens:
    """Whatever the identity provider still allows (a refresh token issued before the deletion,
    for instance), no token of a revoked account leaves the API. The id token comes straight
    from Cognito over TLS; only its subject is read here."""
    payload = tokens.id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if revocations.is_revoked(str(claims["sub"]), utcnow()):
        raise Unauthenticated("This account has been deleted.", "account_deleted")
    return tokens
