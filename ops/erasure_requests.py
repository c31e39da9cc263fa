"""Deletion requests received by email ("sending us an email at support@…"): the operator's path.

It schedules exactly the erasure ``DELETE /v1/me`` does, without the password (the operator
verified the request), and answers only the deletion id — never the address it was given.
"""

from __future__ import annotations

from shared.accounts.wiring import accounts
from shared.erasure.schedule import schedule_erasure
from shared.erasure.wiring import deletions, receipt_hasher, start_erasure_workflow
from shared.privacy import get_logger

logger = get_logger("operator")


def erase_account_by_email(email: str) -> str | None:
    """Exactly the erasure ``DELETE /v1/me`` schedules, without the password: the request came
    by email to the operator, who verified it."""
    user_id = accounts().user_id_for_email(email)
    if user_id is None:
        return None
    scheduled = schedule_erasure(accounts(), deletions(), receipt_hasher(), start_erasure_workflow, user_id, None)
    logger.info("account deletion scheduled by operator", extra={"deletion_id": scheduled.deletion_id})
    return scheduled.deletion_id
