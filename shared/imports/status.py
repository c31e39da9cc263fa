"""The one vocabulary of an import's status, for the API, the repository and the workflow steps.

Its own module without pydantic: the workflow steps and the retention job use it and load none of
the request models.
"""

from __future__ import annotations

from enum import StrEnum


class ImportStatus(StrEnum):
    AWAITING_AUTHORIZATION = "awaiting_authorization"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNDOING = "undoing"  # DELETE /v1/imports/{id}: its leads are being removed
    UNDONE = "undone"
    UNDO_FAILED = "undo_failed"  # stopped part-way; another DELETE resumes it


TERMINAL = frozenset(
    {ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED, ImportStatus.UNDONE, ImportStatus.UNDO_FAILED}
)
