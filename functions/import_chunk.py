"""Import workflow step 2 (repeated): one block of rows into leads; returns counts and the cursor."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.imports import rows, steps
from shared.imports.step_handler import step_handler
from shared.imports.step_wiring import worker_dependencies
from shared.resources import IMPORT_CHUNK_FUNCTION

load_settings(IMPORT_CHUNK_FUNCTION)
# Every chunk parses rows (emails, phones): loaded at init and primed, not on the first chunk;
# the other steps never load it (shared/imports/steps.py imports it where it is used).
_ROW_PARSER = rows.draft_from_cells


def run(event: dict[str, Any]) -> steps.ChunkOutput:
    result = steps.import_chunk(worker_dependencies(), steps.ChunkInput.model_validate(event))
    if result.leads_created:
        count("LeadsImported", result.leads_created)
    return result


handler = step_handler(run)
prime(IMPORT_CHUNK_FUNCTION)
