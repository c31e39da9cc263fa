"""Who is calling, and whether that account may still act.

The caller is the Cognito ``sub`` that API Gateway's JWT authorizer verified. A deleted account's
tokens stay valid JWTs until they expire, and API Gateway cannot know: account termination writes
a revocation marker (in the same transaction as its deletion record, shared/erasure/repository.py)
that every authenticated request, login, refresh and import chunk reads first.

| item              | pk                        | sk      | notes                                    |
|-------------------|---------------------------|---------|------------------------------------------|
| revocation marker | REVOKED#<sha256(user_id)> | REVOKED | names no user; TTL = an access token's life |

Integrations: DynamoDB (GetItem: strongly consistent for a request that changes something,
eventually consistent for one that only reads).

What the check costs (issue 14, docs/cost.md). A consistent GetItem of the marker is 1 read unit,
an eventually consistent one 0.5, with a lag of about a second after the marker is written. The
promise is that a deleted account's tokens can change nothing: a request that writes (any method
but GET/HEAD) reads the marker consistently and is refused at once. A request that only reads
uses the eventually consistent read: in the second after a deletion it may still be answered,
with data the account still has (the erasure workflow starts after the marker is written, so
nothing is readable that was promised gone). Only a "revoked" answer is cached in the function
(until the marker expires): an absent marker can appear at any time. Read units of the check, per
authenticated request: 1.0 before; after, 0.5 for reads and 1.0 for writes (weighted by the usage
profile in benchmarks/cost_model.py, docs/cost.md).
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


# Methods that change nothing: their revocation check may read the marker eventually consistently.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Revocations:
    """Integrations: DynamoDB (GetItem; strongly consistent unless ``consistent=False``)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table
        # marker pk -> its expiry (epoch seconds): a revoked account stays revoked until then.
        self._revoked_until: dict[str, int] = {}

    def is_revoked(self, user_id: str, now: datetime, *, consistent: bool = True) -> bool:
        pk = revoked_pk(user_id)
        known = self._revoked_until.get(pk)
        if known is not None and known > now.timestamp():
            return True
        response = self._db.get_item(TableName=self._table, Key=key(pk, REVOKED_SK), ConsistentRead=consistent)
        item = response.get("Item")
        # TTL deletes lazily: an expired marker is read as absent.
        expires_at = int(item["expires_at"]["N"]) if item else 0
        if expires_at <= now.timestamp():
            return False
        self._revoked_until[pk] = expires_at
        return True


@cache
def revocations() -> Revocations:
    return Revocations(aws.dynamodb(), settings().table_name)
