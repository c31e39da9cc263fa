"""Import workflow step 1: check the job, read the sheet's size and header, resolve the columns."""

from __future__ import annotations

from typing import Any

from shared.imports import steps
from shared.imports.wiring import step_handler, worker_dependencies


def run(event: dict[str, Any]) -> steps.Cursor:
    return steps.prepare(worker_dependencies(), steps.StepInput.model_validate(event))


handler = step_handler(run)
