"""Who is calling, and whether that account may still act.

The caller is the Cognito ``sub`` that API Gateway's JWT authorizer verified. A deleted account's
tokens stay valid JWTs until they expire, and API Gateway cannot know: account termination writes
a revocation marker (in the same transaction as its deletion record, shared/erasure/repository.py)
that every authenticated request, login, refresh and import chunk reads first.

| item              | pk                        | sk      | notes                                    |
|-------------------|---------------------------|---------|------------------------------------------|
| revocation marker | REVOKED#<sha256(user_id)> | REVOKED | names no user; TTL = an access token's life |

Integrations: DynamoDB (GetItem, strongly consistent).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from shared import resources
from shared.core import aws
from shared.core.dynamodb import key
from shared.core.errors import Unauthenticated
from shared.core.settings import settings
from shared.privacy import Pii

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import Router
    from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

REVOKED_SK = "REVOKED"
# Longest life of an access token (plus clock skew): a revoked account's tokens are all dead by then.
REVOCATION_SECONDS = resources.USER_POOL.access_token_minutes * 60 + 300


def current_user_id(router: Router | APIGatewayHttpResolver) -> str:
    """The caller's Cognito ``sub``, as verified by API Gateway's JWT authorizer."""
    event = cast("APIGatewayProxyEventV2", router.current_event)
    claims = event.request_context.authorizer.jwt_claim or {}
    sub = claims.get("sub")
    if not sub:  # only reachable if a private route were deployed without the authorizer
        raise Unauthenticated()
    return str(sub)


def caller_access_token(router: Router | APIGatewayHttpResolver) -> Pii[str]:
    """The bearer token API Gateway verified: an access token (the route's authorization scope).
    Only for Cognito's user APIs, which act on the token's own user (MFA settings); never logged
    or stored."""
    event = cast("APIGatewayProxyEventV2", router.current_event)
    header = (event.headers or {}).get("authorization") or ""
    token = header.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    if not token:  # only reachable if a private route were deployed without the authorizer
        raise Unauthenticated()
    return Pii(token)


def revoked_pk(user_id: str) -> str:
    """Keyed by a digest of the id, so even this short-lived marker names no user."""
    return f"REVOKED#{hashlib.sha256(user_id.encode()).hexdigest()}"


def revocation_marker(user_id: str, now: datetime) -> dict[str, Any]:
    """The marker's item (plain values), alive as long as any token issued before ``now``."""
    expires = now + timedelta(seconds=REVOCATION_SECONDS)
    return {"pk": revoked_pk(user_id), "sk": REVOKED_SK, "expires_at": int(expires.timestamp())}


class Revocations:
    """Integrations: DynamoDB (GetItem, strongly consistent)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    def is_revoked(self, user_id: str, now: datetime) -> bool:
        response = self._db.get_item(
            TableName=self._table, Key=key(revoked_pk(user_id), REVOKED_SK), ConsistentRead=True
        )
        item = response.get("Item")
        # TTL deletes lazily: an expired marker is read as absent.
        return bool(item) and int(item["expires_at"]["N"]) > now.timestamp()


@cache
def revocations() -> Revocations:
    return Revocations(aws.dynamodb(), settings().table_name)
