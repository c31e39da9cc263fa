"""Starting an import, and reading imports back (the ``imports`` API function)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from ulid import ULID

from shared.core import cursors
from shared.core.errors import NotFound
from shared.core.ids import is_id
from shared.imports.errors import ImportRunning, InvalidSpreadsheet
from shared.imports.google.oauth import AuthorizationRequest
from shared.imports.models import (
    GoogleSheetsImportRequest,
    ImportOut,
    ImportPage,
    ImportStarted,
    ImportStatus,
    RowErrorOut,
)
from shared.imports.oauth_flow import AUTHORIZATION_TIMEOUT, consent_url, state_hash
from shared.imports.repository import ImportJob, ImportRepository, OAuthStateRecord, epoch
from shared.imports.sealed import PendingAuthorization, SheetRequest
from shared.imports.undo import UNDOABLE, undo_deadline
from shared.imports.vault import Vault
from shared.privacy import get_logger
from shared.resources import OAUTH_STATE_MAX_SECONDS

logger = get_logger()

_SPREADSHEET_ID = re.compile(r"^[A-Za-z0-9_-]{10,200}$")
_URL_ID = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_CURSOR_PREFIX = "i1:"


class AuthorizationStarter(Protocol):
    def authorization_request(self) -> AuthorizationRequest: ...


def spreadsheet_id_from(text: str) -> str:
    """The id from a Google Sheets URL (docs.google.com/spreadsheets/d/<id>/…) or the id itself."""
    text = text.strip()
    if "/" in text:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        match = _URL_ID.search(parts.path)
        if parts.scheme not in ("https", "http") or parts.hostname != "docs.google.com" or not match:
            raise InvalidSpreadsheet()
        text = match.group(1)
    if not _SPREADSHEET_ID.match(text):
        raise InvalidSpreadsheet()
    return text


def start_import(
    jobs: ImportRepository,
    vault: Vault,
    oauth: AuthorizationStarter,
    user_id: str,
    body: GoogleSheetsImportRequest,
    now: datetime,
    *,
    account: str,
    redirect_uri: str,
    phone_region: str | None = None,
) -> ImportStarted:
    """Create the job and a single-use OAuth state; the sheet's details go sealed into the state.
    ``account``: the receiving account as the consent page shows it (masked email);
    ``redirect_uri``: the callback, whose origin serves the consent page;
    ``phone_region``: how the sheet's national-format numbers are read (the user's region now).

    Integrations: DynamoDB (GetItem lease, 2 PutItem), KMS (1 Encrypt).
    """
    spreadsheet_id_from(body.spreadsheet)  # a request that names no sheet is refused before anything is kept
    if jobs.lease_holder(user_id, now) is not None:  # one import of a user at a time
        raise ImportRunning()
    import_id = str(ULID.from_datetime(now))
    job = ImportJob(
        import_id=import_id,
        status=ImportStatus.AWAITING_AUTHORIZATION,
        on_duplicate=body.on_duplicate,
        created_at=now,
        phone_region=phone_region,
    )
    authorization_url, hashed_state = _authorization(vault, oauth, user_id, import_id, body, account, redirect_uri)
    jobs.create(user_id, job, oauth_state=hashed_state.state_hash)
    jobs.put_state(hashed_state.state_hash, hashed_state.record(now), expires_at=epoch(now) + OAUTH_STATE_MAX_SECONDS)
    logger.info("import awaiting authorization", extra={"import_id": import_id})
    return ImportStarted(import_id=import_id, authorization_url=authorization_url, status=job.status)


@dataclass(frozen=True)
class _SealedState:
    state_hash: str
    user_id: str
    import_id: str
    sealed: bytes

    def record(self, now: datetime) -> OAuthStateRecord:
        return OAuthStateRecord(user_id=self.user_id, import_id=self.import_id, sealed=self.sealed, created_at=now)


def _authorization(
    vault: Vault,
    oauth: AuthorizationStarter,
    user_id: str,
    import_id: str,
    body: GoogleSheetsImportRequest,
    account: str,
    redirect_uri: str,
) -> tuple[str, _SealedState]:
    """Our consent page's URL with a fresh state and PKCE verifier; the sheet's details, the
    receiving account (masked) and the verifier sealed for the state item."""
    authorization = oauth.authorization_request()
    pending = PendingAuthorization(
        code_verifier=authorization.code_verifier,
        sheet=SheetRequest(
            spreadsheet_id=spreadsheet_id_from(body.spreadsheet),
            sheet_title=body.sheet,
            header_row=body.header_row,
            mapping=dict(body.mapping) if body.mapping else None,
        ),
        account=account,
    )
    sealed = vault.seal(pending.to_bytes(), user_id=user_id, import_id=import_id)
    url = consent_url(redirect_uri, authorization.state)
    return url, _SealedState(state_hash(authorization.state), user_id, import_id, sealed)


def authorize_again(
    jobs: ImportRepository,
    vault: Vault,
    oauth: AuthorizationStarter,
    user_id: str,
    import_id: str,
    body: GoogleSheetsImportRequest,
    now: datetime,
    *,
    account: str,
    redirect_uri: str,
) -> ImportStarted:
    """A replayed start (the same Idempotency-Key and body): the same import, with a new consent
    URL while it still awaits authorization; the earlier URL stops working. The state is a bearer
    secret kept only as a hash, so the first URL cannot be replayed itself.

    Integrations: DynamoDB (GetItem, PutItem state, UpdateItem job, DeleteItem old state), KMS."""
    job = jobs.get(user_id, import_id)
    if job is None:
        raise NotFound("No such import.", code="import_not_found")
    if job.status != ImportStatus.AWAITING_AUTHORIZATION:
        return ImportStarted(import_id=import_id, authorization_url=None, status=job.status)
    authorization_url, sealed = _authorization(vault, oauth, user_id, import_id, body, account, redirect_uri)
    jobs.put_state(sealed.state_hash, sealed.record(now), expires_at=epoch(now) + OAUTH_STATE_MAX_SECONDS)
    previous = jobs.replace_state(user_id, import_id, sealed.state_hash)
    if previous is None:  # authorized meanwhile: the new state must not work
        jobs.purge_state(sealed.state_hash)
        return ImportStarted(import_id=import_id, authorization_url=None, status=ImportStatus.RUNNING)
    jobs.purge_state(previous)
    return ImportStarted(import_id=import_id, authorization_url=authorization_url, status=job.status)


def to_model(job: ImportJob, now: datetime) -> ImportOut:
    status, error_code = job.status, job.error_code
    if status == ImportStatus.AWAITING_AUTHORIZATION and now - job.created_at > timedelta(
        seconds=OAUTH_STATE_MAX_SECONDS
    ):
        status, error_code = ImportStatus.FAILED, AUTHORIZATION_TIMEOUT  # the state can no longer be used
    progress = 0.0
    if status == ImportStatus.SUCCEEDED:
        progress = 1.0
    elif job.first_row is not None and job.last_row is not None and job.next_row is not None:
        span = job.last_row - job.first_row + 1
        progress = 1.0 if span <= 0 else min(1.0, max(0.0, (job.next_row - job.first_row) / span))
    return ImportOut(
        import_id=job.import_id,
        status=ImportStatus(status),
        on_duplicate="update" if job.on_duplicate == "update" else "skip",
        rows_read=job.rows_read,
        leads_created=job.leads_created,
        leads_updated=job.leads_updated,
        rows_skipped=job.rows_skipped,
        progress=round(progress, 4),
        errors=[RowErrorOut(row=e.row, code=e.code) for e in job.errors],
        error_code=error_code,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        undo_until=undo_deadline(job) if status in UNDOABLE else None,
        leads_removed=job.leads_removed,
        leads_kept=job.leads_kept,
        undo_started_at=job.undo_started_at,
        undo_finished_at=job.undo_finished_at,
    )


def get_import(jobs: ImportRepository, user_id: str, import_id: str, now: datetime) -> ImportOut:
    job = jobs.get(user_id, import_id) if is_id(import_id) else None
    if job is None:
        raise NotFound("No such import.", code="import_not_found")
    return to_model(job, now)


def _encode_cursor(import_id: str) -> str:
    return cursors.encode(_CURSOR_PREFIX, import_id)


def _decode_cursor(cursor: str) -> str:
    return cursors.decode(_CURSOR_PREFIX, cursor, is_id)


def list_imports(jobs: ImportRepository, user_id: str, limit: int, cursor: str | None, now: datetime) -> ImportPage:
    after = _decode_cursor(cursor) if cursor else None
    items, last = jobs.page(user_id, limit, after)
    return ImportPage(items=[to_model(job, now) for job in items], next_cursor=_encode_cursor(last) if last else None)
