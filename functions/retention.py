"""Daily retention job (EventBridge Scheduler): stuck erasures, abandoned uploads and imports."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count, job_handler
from shared.core.settings import load_settings
from shared.resources import RETENTION_FUNCTION
from shared.retention.logic import run_retention
from shared.retention.wiring import retention_stores

load_settings(RETENTION_FUNCTION)


def run(_event: dict[str, Any]) -> dict[str, Any]:
    done = run_retention(retention_stores())
    for name, value in done.items():
        count(name, value)
    return done


handler = job_handler(run)
