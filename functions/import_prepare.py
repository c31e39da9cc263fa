"""Import workflow step 1: check the job, read the sheet's size and header, resolve the columns."""

from __future__ import annotations

from typing import Any

from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.imports import steps
from shared.imports.step_handler import step_handler
from shared.imports.step_wiring import worker_dependencies
from shared.resources import IMPORT_PREPARE_FUNCTION

load_settings(IMPORT_PREPARE_FUNCTION)


def run(event: dict[str, Any]) -> steps.Cursor:
    return steps.prepare(worker_dependencies(), steps.StepInput.model_validate(event))


handler = step_handler(run)
prime(IMPORT_PREPARE_FUNCTION)
