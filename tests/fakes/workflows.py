"""The import workflow's starter (shared/imports/callback.py ``WorkflowStarter``) in memory.

Like ``StepFunctionsStarter``: an execution is named after its import, so a second start of the
same import starts nothing (and is no error). Set ``failure`` to make every start raise it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FakeWorkflowStarter:
    failure: Exception | None = None
    executions: dict[str, dict[str, str]] = field(default_factory=dict)  # import id → execution input
    attempts: int = 0

    def start(self, import_id: str) -> None:
        self.attempts += 1
        if self.failure is not None:
            raise self.failure
        self.executions.setdefault(import_id, {"import_id": import_id})
