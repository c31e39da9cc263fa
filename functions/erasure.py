"""Erasure workflow task: erase one account (idempotent; the workflow retries it)."""

from __future__ import annotations

from typing import Any

from shared import stores
from shared.core.observability import count, job_handler
from shared.erasure import logic as erasure


def erase(event: dict[str, Any]) -> dict[str, Any]:
    deletion_id = str(event["deletion_id"])
    done = erasure.erase_account(stores.erasure_stores(), deletion_id)
    count("AccountErased")
    return {"deletion_id": deletion_id, "done": done}


handler = job_handler(erase)
