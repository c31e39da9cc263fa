"""Import undo workflow step: remove a block of an import's leads, or end the undo."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.core.observability import count
from shared.core.settings import load_settings
from shared.imports import undo_steps
from shared.imports.step_handler import step_handler
from shared.imports.step_wiring import undo_dependencies
from shared.resources import IMPORT_UNDO_FUNCTION

load_settings(IMPORT_UNDO_FUNCTION)


def run(event: dict[str, Any]) -> BaseModel:
    action = event.get("action") if isinstance(event, dict) else None
    fields = {k: v for k, v in event.items() if k != "action"} if isinstance(event, dict) else event
    if action == "end":
        outcome = undo_steps.end_undo(undo_dependencies(), undo_steps.UndoEndInput.model_validate(fields))
        count("ImportUndone" if outcome.status == "undone" else "ImportUndoFailed")
        return outcome
    progress = undo_steps.undo_block(undo_dependencies(), undo_steps.UndoInput.model_validate(fields))
    if progress.leads_removed:
        count("LeadsRemovedByUndo", progress.leads_removed)
    return progress


handler = step_handler(run)
