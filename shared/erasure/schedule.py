"""``DELETE /v1/me`` and the operator's erasure by email: "request the deletion of Your Data and
Service account".

After re-checking the password, :func:`schedule_erasure` records the deletion and revokes the
account at once (a marker every API call checks, the Cognito user disabled and signed out
everywhere), then starts the erasure workflow (shared/erasure/erase.py does the erasing).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from botocore.exceptions import ClientError

from shared.core.clock import utcnow
from shared.core.dynamodb import error_code
from shared.core.errors import Unauthenticated
from shared.erasure.models import DeletionScheduled
from shared.erasure.repository import AlreadyScheduled, DeletionRepository
from shared.privacy import get_logger

logger = get_logger()


class AccountLock(Protocol):
    """What scheduling needs of the identity provider (shared.accounts.cognito.Accounts)."""

    def verify_password(self, user_id: str, password: str) -> None: ...
    def disable(self, user_id: str) -> None: ...


def new_deletion_id() -> str:
    return secrets.token_urlsafe(24)


def schedule_erasure(
    accounts: AccountLock,
    deletions: DeletionRepository,
    hash_user: Callable[[str], str],
    start_workflow: Callable[[str], object],
    user_id: str,
    password: str | None,
    now: datetime | None = None,
) -> DeletionScheduled:
    """Re-authenticate (unless ``password`` is None: the operator acting on an emailed request),
    revoke, and start erasure. From the moment this returns the account can neither log in nor
    call the API."""
    now = now or utcnow()
    if password is not None:
        accounts.verify_password(user_id, password)
    deletion_id = new_deletion_id()
    try:
        deletions.schedule(deletion_id, user_id, hash_user(user_id), now)
    except AlreadyScheduled:
        raise Unauthenticated("This account is being deleted.", "account_deleted") from None
    accounts.disable(user_id)
    try:
        start_workflow(deletion_id)
    except ClientError as exc:
        # The account is already revoked; the daily retention job restarts erasures not completed.
        logger.warning("erasure workflow not started", extra={"error_code": error_code(exc)})
    logger.info("account deletion scheduled", extra={"deletion_id": deletion_id})
    return DeletionScheduled(deletion_id=deletion_id, status="scheduled")
