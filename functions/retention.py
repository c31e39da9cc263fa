"""Daily retention job (EventBridge Scheduler): stuck erasures, abandoned uploads."""

from __future__ import annotations

from typing import Any

from shared import stores
from shared.core.observability import count, job_handler
from shared.retention import logic as retention


def run(_event: dict[str, Any]) -> dict[str, Any]:
    done = retention.run_retention(stores.retention_stores())
    for name, value in done.items():
        count(name, value)
    return done


handler = job_handler(run)
