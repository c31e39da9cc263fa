"""Import workflow step 2 (repeated): one block of rows into leads; returns counts and the cursor."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count
from shared.imports import steps
from shared.imports.wiring import step_handler, worker_dependencies


def run(event: dict[str, Any]) -> steps.ChunkOutput:
    result = steps.import_chunk(worker_dependencies(), steps.ChunkInput.model_validate(event))
    if result.leads_created:
        count("LeadsImported", result.leads_created)
    return result


handler = step_handler(run)
