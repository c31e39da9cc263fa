"""Import workflow last step: delete the sealed token, record how the import ended."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count
from shared.imports import steps
from shared.imports.wiring import step_handler, worker_dependencies


def run(event: dict[str, Any]) -> steps.FinalizeOutput:
    result = steps.finalize(worker_dependencies(), steps.FinalizeInput.model_validate(event))
    count("ImportSucceeded" if result.status == "succeeded" else "ImportFailed")
    return result


handler = step_handler(run)
