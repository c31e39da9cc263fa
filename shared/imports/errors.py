"""Why an import stops, as typed errors with stable codes.

Workflow steps raise :class:`ImportStepError` subclasses only: Step Functions records the class
name (the Lambda ``errorType``) and the fixed message, never anything from the sheet. The
finalize step turns the class name back into the job's ``error_code`` through
:data:`ERROR_CODES`, an allow-list, so no free text reaches the job either.
"""

from __future__ import annotations

from shared.core.errors import Conflict, InvalidInput


class ImportStepError(Exception):
    """A workflow step failed for a known reason; ``retryable`` ones are retried by the workflow."""

    code = "internal_error"
    message = "The import step failed."
    retryable = False

    def __init__(self) -> None:  # no arguments: nothing from the sheet can reach the message
        super().__init__(self.message)


class AuthorizationExpired(ImportStepError):
    code = "authorization_expired"
    message = "Google no longer accepts the access token, or it has expired."


class SheetNotFound(ImportStepError):
    code = "sheet_not_found"
    message = "The spreadsheet or sheet does not exist or is not visible to the account."


class SheetAccessDenied(ImportStepError):
    code = "sheet_access_denied"
    message = "The Google account may not read this spreadsheet."


class HeaderRowOutOfRange(ImportStepError):
    code = "header_row_out_of_range"
    message = "The header row is beyond the last row of the sheet."


class MappingHeaderNotFound(ImportStepError):
    code = "mapping_header_not_found"
    message = "A column named in the mapping is not in the header row."


class MappingIncomplete(ImportStepError):
    code = "mapping_incomplete"
    message = "The columns must give a name and a phone or an email."


class SheetsUnavailable(ImportStepError):
    code = "google_unavailable"
    message = "The Google Sheets API kept failing or throttling."
    retryable = True


class StorageBusy(ImportStepError):
    code = "storage_busy"
    message = "The database kept throttling writes."
    retryable = True


class ImportNotRunning(ImportStepError):
    code = "import_not_running"
    message = "The import is not running (finished, cancelled or unknown)."


class ImportInternalError(ImportStepError):
    code = "internal_error"
    message = "An unexpected error stopped the import."


def _step_error_classes() -> list[type[ImportStepError]]:
    found: list[type[ImportStepError]] = []
    pending: list[type[ImportStepError]] = [ImportStepError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


# Step Functions error name → job error code. Anything not listed becomes "internal_error".
ERROR_CODES: dict[str, str] = {
    **{cls.__name__: cls.code for cls in _step_error_classes()},
    "States.Timeout": "timeout",
    "Sandbox.Timedout": "timeout",
}
# Errors the workflow retries with backoff (a re-run chunk is idempotent).
RETRYABLE_ERRORS: tuple[str, ...] = tuple(sorted(cls.__name__ for cls in _step_error_classes() if cls.retryable))


def error_code_for(step_functions_error: str | None) -> str:
    return ERROR_CODES.get(step_functions_error or "", "internal_error")


# --- API-side (HTTP) errors ---------------------------------------------------------------------


class InvalidSpreadsheet(InvalidInput):
    code = "invalid_spreadsheet"
    message = "Give a Google Sheets URL (…/spreadsheets/d/<id>/…) or a spreadsheet id."


class ImportRunning(Conflict):
    """One import (or undo) of a user runs at a time: the lease in shared/imports/repository.py."""

    code = "import_running"
    message = "An import of yours is running; try again when it has finished."
