"""Google's redirect back to us: the one place an authorization code is spent.

The state is consumed first (delete-on-read), so a replayed, unknown or expired state starts
nothing and the code that came with it is never sent anywhere. Only the browser that pressed
Continue on our consent page (shared/imports/consent.py: its cookie) may finish: anywhere else
the state is spent, the import fails and the code is never exchanged. The access token is sealed (KMS,
bound to the user and import) onto a TTL-bounded item; the workflow gets ids only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from shared.imports.consent import CONSENT_NOT_CONFIRMED, is_same_browser
from shared.imports.google.oauth import SHEETS_SCOPE, AccessToken, AuthorizationRejected, GoogleUnavailable
from shared.imports.oauth_flow import AUTHORIZATION_TIMEOUT, state_hash
from shared.imports.repository import ImportRepository, SealedToken, epoch
from shared.imports.sealed import ImportAccess, PendingAuthorization
from shared.imports.status import ImportStatus
from shared.imports.vault import SealBroken, Vault
from shared.privacy import Pii, get_logger, safe_exception
from shared.resources import IMPORT_TOKEN_MAX_SECONDS, OAUTH_STATE_MAX_SECONDS

logger = get_logger()

Outcome = Literal["started", "cancelled", "refused", "other_browser", "authorization_failed", "unavailable", "busy"]


@dataclass(frozen=True)
class CallbackOutcome:
    kind: Outcome
    import_id: str | None = None

    @property
    def status_code(self) -> int:
        return {"started": 200, "cancelled": 200, "unavailable": 503, "busy": 409}.get(self.kind, 400)


class TokenExchanger(Protocol):
    def exchange(self, code: str, code_verifier: Pii[str]) -> AccessToken: ...


class WorkflowStarter(Protocol):
    def start(self, import_id: str) -> None:
        """The execution's input is the import id alone (Step Functions keeps it for 90 days)."""
        ...


def complete_authorization(
    jobs: ImportRepository,
    vault: Vault,
    oauth: TokenExchanger,
    workflow: WorkflowStarter,
    *,
    state: str | None,
    code: str | None,
    error: str | None,
    browser: str | None,
    now: datetime,
) -> CallbackOutcome:
    """``browser``: the request's consent cookie, if any.

    Integrations: DynamoDB (DeleteItem state, PutItem token, TransactWriteItems job + lease +
    reference), KMS (Decrypt, Encrypt), Google's token endpoint, Step Functions (StartExecution)."""
    if not state:
        return CallbackOutcome("refused")
    record = jobs.consume_state(state_hash(Pii(state)))
    if record is None:  # unknown, or already used (consumed by the first callback)
        logger.info("oauth callback refused", extra={"reason": "unknown_state"})
        return CallbackOutcome("refused")
    user_id, import_id = record.user_id, record.import_id
    waiting = ImportStatus.AWAITING_AUTHORIZATION

    def fail(code: str) -> None:
        jobs.transition(user_id, import_id, waiting, ImportStatus.FAILED, now, code)

    if now - record.created_at > timedelta(seconds=OAUTH_STATE_MAX_SECONDS):  # TTL deletion lags
        fail(AUTHORIZATION_TIMEOUT)
        logger.info("oauth callback refused", extra={"reason": "expired_state", "import_id": import_id})
        return CallbackOutcome("refused", import_id)
    if not is_same_browser(record, browser):  # a forwarded link, or our consent page skipped
        fail(CONSENT_NOT_CONFIRMED)
        logger.info("oauth callback refused", extra={"reason": "other_browser", "import_id": import_id})
        return CallbackOutcome("other_browser", import_id)
    if error or not code:
        # access_denied (the user said no) or any other refusal by Google: nothing to import.
        jobs.transition(user_id, import_id, waiting, ImportStatus.CANCELLED, now)
        logger.info("import cancelled at consent", extra={"import_id": import_id})
        return CallbackOutcome("cancelled", import_id)

    try:
        pending = PendingAuthorization.from_bytes(vault.open(record.sealed, user_id=user_id, import_id=import_id))
    except SealBroken:
        fail("internal_error")
        return CallbackOutcome("authorization_failed", import_id)
    try:
        token = oauth.exchange(code, pending.code_verifier)
    except AuthorizationRejected:
        fail("authorization_failed")
        logger.info("authorization code refused by Google", extra={"import_id": import_id})
        return CallbackOutcome("authorization_failed", import_id)
    except GoogleUnavailable:
        fail("google_unavailable")
        return CallbackOutcome("unavailable", import_id)
    if SHEETS_SCOPE not in token.scopes:
        fail("scope_not_granted")
        return CallbackOutcome("authorization_failed", import_id)

    access = ImportAccess(access_token=token.token, sheet=pending.sheet)
    lifetime = max(1, min(token.expires_in, IMPORT_TOKEN_MAX_SECONDS))
    sealed = vault.seal(access.to_bytes(), user_id=user_id, import_id=import_id)
    jobs.put_token(user_id, import_id, SealedToken(sealed=sealed, expires_at=epoch(now) + lifetime))
    begun = jobs.begin(user_id, import_id, waiting, ImportStatus.RUNNING, now)
    if begun != "begun":
        jobs.delete_token(user_id, import_id)
        if begun == "busy":  # another import of this user started running since this one was asked for
            fail("import_running")
            logger.info("import refused: another is running", extra={"import_id": import_id})
            return CallbackOutcome("busy", import_id)
        return CallbackOutcome("refused", import_id)
    try:
        workflow.start(import_id)
    except Exception as exc:
        logger.error("import workflow did not start", extra={"import_id": import_id, **safe_exception(exc)})
        jobs.delete_token(user_id, import_id)
        jobs.transition(user_id, import_id, ImportStatus.RUNNING, ImportStatus.FAILED, now, "workflow_unavailable")
        jobs.end(user_id, import_id)
        return CallbackOutcome("unavailable", import_id)
    logger.info("import running", extra={"import_id": import_id})
    return CallbackOutcome("started", import_id)
