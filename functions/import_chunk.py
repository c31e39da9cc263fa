"""Import workflow step 2 (repeated): one block of rows into leads; returns counts and the cursor."""

from __future__ import annotations

from typing import Any

from shared.core.observability import count
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.imports import rows, steps, upsert
from shared.imports.step_handler import step_handler
from shared.imports.step_wiring import worker_dependencies
from shared.resources import IMPORT_CHUNK_FUNCTION

load_settings(IMPORT_CHUNK_FUNCTION)
# Every chunk parses rows (emails, phones) and plans their leads (ids by python-ulid): loaded at
# init and primed, not on the first chunk; the other steps never load them (shared/imports/steps.py
# imports them where they are used).
_CHUNK_CODE = (rows.draft_from_cells, upsert.plan_upserts)


def run(event: dict[str, Any]) -> steps.ChunkOutput:
    result = steps.import_chunk(worker_dependencies(), steps.ChunkInput.model_validate(event))
    if result.leads_created:
        count("LeadsImported", result.leads_created)
    return result


handler = step_handler(run)
prime(IMPORT_CHUNK_FUNCTION)
