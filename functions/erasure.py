"""Erasure workflow task: erase one account (idempotent; the workflow retries it)."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count, job_handler
from shared.core.settings import load_settings
from shared.erasure.erase import erase_account
from shared.erasure.wiring import erasure_stores
from shared.resources import ERASURE_FUNCTION

load_settings(ERASURE_FUNCTION)


def erase(event: dict[str, Any]) -> dict[str, Any]:
    deletion_id = str(event["deletion_id"])
    done = erase_account(erasure_stores(), deletion_id)
    count("AccountErased")
    return {"deletion_id": deletion_id, "done": done}


handler = job_handler(erase)
