"""Import workflow last step: delete the sealed token, record how the import ended."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.imports import steps
from shared.imports.step_handler import step_handler
from shared.imports.step_wiring import worker_dependencies
from shared.resources import IMPORT_FINALIZE_FUNCTION

load_settings(IMPORT_FINALIZE_FUNCTION)


def run(event: dict[str, Any]) -> steps.FinalizeOutput:
    result = steps.finalize(worker_dependencies(), steps.FinalizeInput.model_validate(event))
    count("ImportSucceeded" if result.status == "succeeded" else "ImportFailed")
    return result


handler = step_handler(run)
prime(IMPORT_FINALIZE_FUNCTION)
