"""Google's redirect back to us (``complete_authorization``), every branch, against the fakes.

The import is started by the real ``start_import`` and confirmed on the real consent step
(``confirm_consent``, in a browser with a consent cookie), so the state and the sealed pending
authorization the callback reads are the ones the API would have written. The state, the code
and the access token are canaries: no branch may put them in a log line.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from shared.imports.callback import CallbackOutcome, complete_authorization
from shared.imports.consent import Continuation, confirm_consent
from shared.imports.errors import ImportRunning
from shared.imports.google.oauth import DRIVE_SCOPE, AuthorizationRejected, GoogleUnavailable
from shared.imports.logic import start_import
from shared.imports.models import GoogleSheetsImportRequest
from shared.imports.repository import LEASE_SECONDS, ImportJob, epoch
from shared.imports.sealed import ImportAccess, SheetRequest
from shared.imports.status import ImportStatus
from shared.resources import IMPORT_TOKEN_MAX_SECONDS, IMPORT_WORKFLOW, OAUTH_STATE_MAX_SECONDS
from tests.fakes.google_oauth import FakeGoogleOAuth
from tests.fakes.imports import FakeImportRepository
from tests.fakes.vault import FakeVault
from tests.fakes.workflows import FakeWorkflowStarter

STARTED_AT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
CALLED_AT = STARTED_AT + timedelta(minutes=1)
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"
USER = "user-callback"
ORIGIN = "https://api.example.com"
REDIRECT_URI = f"{ORIGIN}/v1/oauth/google/callback"


@dataclass
class Pending:
    """An import waiting for Google's redirect, and the fakes around it."""

    jobs: FakeImportRepository
    vault: FakeVault
    google: FakeGoogleOAuth
    workflow: FakeWorkflowStarter
    import_id: str
    state: str
    code: str
    cookie: str

    def callback(
        self,
        *,
        state: str | None = None,
        code: str | None = None,
        error: str | None = None,
        now: datetime = CALLED_AT,
        vault: FakeVault | None = None,
        browser: str | None = "",
    ) -> CallbackOutcome:
        """Google's redirect with this import's state and code, in the browser that continued on
        the consent page, unless told otherwise."""
        return complete_authorization(
            self.jobs,
            vault or self.vault,
            self.google,
            self.workflow,
            state=self.state if state is None else state,
            code=self.code if code is None else code,
            error=error,
            browser=self.cookie if browser == "" else browser,
            now=now,
        )

    def job(self) -> ImportJob:
        job = self.jobs.get(USER, self.import_id)
        assert job is not None
        return job


@pytest.fixture
def pending(canary: Callable[[str, str], str]) -> Pending:
    jobs, vault, workflow = FakeImportRepository(), FakeVault(), FakeWorkflowStarter()
    google = FakeGoogleOAuth(access_token=canary(f"ya29.callback-{secrets.token_urlsafe(12)}", "access token"))
    body = GoogleSheetsImportRequest(spreadsheet=SHEET, sheet="Leads", header_row=2, on_duplicate="skip")
    started = start_import(
        jobs, vault, google, USER, body, STARTED_AT, account="u***@example.com", redirect_uri=REDIRECT_URI
    )
    state = canary(google.issued[-1].state.reveal(), "oauth state")
    confirmed = confirm_consent(
        jobs, vault, google, state=state, origin=ORIGIN, own_origin=ORIGIN, cookie=None, now=STARTED_AT
    )
    assert isinstance(confirmed, Continuation)
    code = canary(f"4/0Ab-{secrets.token_urlsafe(16)}", "authorization code")
    cookie = canary(confirmed.cookie, "consent cookie")
    return Pending(jobs, vault, google, workflow, started.import_id, state, code, cookie)


def _nothing_started(pending: Pending) -> None:
    assert pending.jobs.tokens == {}
    assert pending.workflow.attempts == 0


# --- refused before anything is spent -----------------------------------------------------------


@pytest.mark.parametrize("state", ["", "an-unknown-state-never-issued"], ids=["missing", "unknown"])
def test_a_missing_or_unknown_state_is_refused_and_spends_nothing(pending: Pending, state: str) -> None:
    outcome = pending.callback(state=state)
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("refused", None, 400)
    assert pending.google.exchanges == []  # the code that came with it went nowhere
    assert pending.job().status == ImportStatus.AWAITING_AUTHORIZATION
    assert len(pending.jobs.states) == 1  # the real state is still there for the real redirect
    _nothing_started(pending)


def test_a_replayed_state_is_refused_and_starts_nothing_more(pending: Pending) -> None:
    assert pending.callback().kind == "started"
    replay = pending.callback()
    assert (replay.kind, replay.import_id) == ("refused", None)
    assert len(pending.google.exchanges) == 1
    assert pending.workflow.attempts == 1
    assert pending.job().status == ImportStatus.RUNNING


def test_an_expired_state_is_refused_and_fails_the_job_as_authorization_timeout(pending: Pending) -> None:
    late = STARTED_AT + timedelta(seconds=OAUTH_STATE_MAX_SECONDS + 1)  # TTL deletion has not caught up
    outcome = pending.callback(now=late)
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("refused", pending.import_id, 400)
    job = pending.job()
    assert (job.status, job.error_code, job.finished_at) == (ImportStatus.FAILED, "authorization_timeout", late)
    assert pending.google.exchanges == []
    assert pending.jobs.states == {}  # consumed: it cannot be tried again
    _nothing_started(pending)


# --- not the browser that continued on the consent page (issue 12, item 3) ---------------------


@pytest.mark.parametrize("browser", [None, "another-browser-s-cookie-value-0123456789abcd"], ids=["none", "other"])
def test_google_s_redirect_in_another_browser_fails_the_import_and_spends_nothing(
    pending: Pending, browser: str | None
) -> None:
    """A forwarded Google link: whoever consented is not who confirmed the receiving account."""
    outcome = pending.callback(browser=browser)
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("other_browser", pending.import_id, 400)
    job = pending.job()
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "consent_not_confirmed")
    assert pending.google.exchanges == []  # their code is never spent
    assert pending.jobs.states == {}  # and the state is gone: the redirect cannot be replayed elsewhere
    _nothing_started(pending)


def test_a_state_never_confirmed_on_the_consent_page_is_refused(pending: Pending) -> None:
    """Someone built Google's URL from the state in the link, skipping our page: no browser is bound."""
    jobs, vault, google = FakeImportRepository(), FakeVault(), FakeGoogleOAuth()
    body = GoogleSheetsImportRequest(spreadsheet=SHEET, on_duplicate="skip")
    start_import(jobs, vault, google, USER, body, STARTED_AT, account="u***@example.com", redirect_uri=REDIRECT_URI)
    unconfirmed = Pending(jobs, vault, google, pending.workflow, "", google.issued[-1].state.reveal(), "4/x", "")
    outcome = unconfirmed.callback(browser=pending.cookie)
    assert outcome.kind == "other_browser"
    assert google.exchanges == []


# --- the user or Google said no -----------------------------------------------------------------


@pytest.mark.parametrize(("error", "code"), [("access_denied", ""), (None, "")], ids=["denied", "no-code"])
def test_consent_not_given_cancels_the_import(pending: Pending, error: str | None, code: str) -> None:
    outcome = pending.callback(error=error, code=code)
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("cancelled", pending.import_id, 200)
    job = pending.job()
    assert (job.status, job.error_code, job.finished_at) == (ImportStatus.CANCELLED, None, CALLED_AT)
    assert pending.google.exchanges == []
    _nothing_started(pending)


def test_a_sealed_state_that_does_not_open_fails_the_job_as_internal_error(pending: Pending) -> None:
    """Sealed under another key (or tampered with): the code is not spent."""
    outcome = pending.callback(vault=FakeVault())
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("authorization_failed", pending.import_id, 400)
    assert (pending.job().status, pending.job().error_code) == (ImportStatus.FAILED, "internal_error")
    assert pending.google.exchanges == []
    _nothing_started(pending)


# --- the token exchange -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "kind", "status_code", "error_code"),
    [
        (AuthorizationRejected(), "authorization_failed", 400, "authorization_failed"),
        (GoogleUnavailable(), "unavailable", 503, "google_unavailable"),
    ],
    ids=["rejected", "google-unavailable"],
)
def test_a_failed_token_exchange_fails_the_job_with_its_reason(
    pending: Pending, failure: Exception, kind: str, status_code: int, error_code: str
) -> None:
    pending.google.failure = failure
    outcome = pending.callback()
    assert (outcome.kind, outcome.import_id, outcome.status_code) == (kind, pending.import_id, status_code)
    job = pending.job()
    assert (job.status, job.error_code, job.finished_at) == (ImportStatus.FAILED, error_code, CALLED_AT)
    assert len(pending.google.exchanges) == 1
    _nothing_started(pending)


def test_a_token_without_the_sheets_scope_fails_the_job_as_scope_not_granted(pending: Pending) -> None:
    """The user unticked the Sheets scope on the consent screen: the token cannot read a sheet."""
    pending.google.scopes = frozenset({DRIVE_SCOPE})
    outcome = pending.callback()
    assert (outcome.kind, outcome.status_code) == ("authorization_failed", 400)
    assert (pending.job().status, pending.job().error_code) == (ImportStatus.FAILED, "scope_not_granted")
    _nothing_started(pending)


# --- after the exchange -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "try later"}}, "StartExecution"),
        RuntimeError("connection reset"),
    ],
    ids=["step-functions-error", "any-exception"],
)
def test_a_workflow_that_does_not_start_leaves_no_token_and_fails_the_job(pending: Pending, failure: Exception) -> None:
    pending.workflow.failure = failure
    outcome = pending.callback()
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("unavailable", pending.import_id, 503)
    assert pending.jobs.tokens == {}  # the sealed token does not outlive the import it was for
    job = pending.job()
    assert (job.status, job.error_code) == (ImportStatus.FAILED, "workflow_unavailable")
    assert (job.started_at, job.finished_at) == (CALLED_AT, CALLED_AT)
    assert pending.workflow.attempts == 1
    assert pending.workflow.executions == {}


def test_an_import_no_longer_awaiting_authorization_is_not_started(pending: Pending) -> None:
    """Ended meanwhile (the retention job, or erasure): the token just stored is deleted again."""
    pending.jobs.transition(
        USER, pending.import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.FAILED, CALLED_AT
    )
    outcome = pending.callback()
    assert (outcome.kind, outcome.import_id) == ("refused", pending.import_id)
    assert pending.job().status == ImportStatus.FAILED
    _nothing_started(pending)


def test_a_granted_authorization_seals_the_token_and_starts_the_workflow_once_with_ids_only(
    pending: Pending,
) -> None:
    outcome = pending.callback()
    assert (outcome.kind, outcome.import_id, outcome.status_code) == ("started", pending.import_id, 200)
    # The code was spent with the PKCE verifier sealed on the state when the import started.
    assert pending.google.exchanges == [(pending.code, pending.google.issued[-1].code_verifier)]
    token = pending.jobs.get_token(USER, pending.import_id, epoch(CALLED_AT))
    assert token is not None
    assert pending.google.access_token.encode() not in token.sealed
    access = ImportAccess.from_bytes(pending.vault.open(token.sealed, user_id=USER, import_id=pending.import_id))
    assert access.access_token.reveal() == pending.google.access_token
    assert access.sheet == SheetRequest(spreadsheet_id=SHEET, sheet_title="Leads", header_row=2, mapping=None)
    assert token.expires_at == epoch(CALLED_AT) + pending.google.expires_in
    job = pending.job()
    assert (job.status, job.started_at, job.error_code) == (ImportStatus.RUNNING, CALLED_AT, None)
    assert pending.workflow.executions == {pending.import_id: {"import_id": pending.import_id}}  # no user id
    assert pending.jobs.user_of(pending.import_id) == USER  # the steps find the user through this
    assert pending.jobs.lease_holder(USER, CALLED_AT) == pending.import_id
    assert pending.workflow.attempts == 1


def test_the_sealed_token_lives_no_longer_than_the_import_token_limit(pending: Pending) -> None:
    pending.google.expires_in = IMPORT_TOKEN_MAX_SECONDS * 2
    assert pending.callback().kind == "started"
    token = pending.jobs.tokens[(USER, pending.import_id)]
    assert token.expires_at == epoch(CALLED_AT) + IMPORT_TOKEN_MAX_SECONDS


# --- one running import per user -------------------------------------------------------------------


def _second_pending(pending: Pending, at: datetime) -> Pending:
    body = GoogleSheetsImportRequest(spreadsheet=SHEET, on_duplicate="skip")
    started = start_import(
        pending.jobs,
        pending.vault,
        pending.google,
        USER,
        body,
        at,
        account="u***@example.com",
        redirect_uri=REDIRECT_URI,
    )
    state = pending.google.issued[-1].state.reveal()
    confirmed = confirm_consent(
        pending.jobs, pending.vault, pending.google, state=state, origin=ORIGIN, own_origin=ORIGIN, cookie=None, now=at
    )
    assert isinstance(confirmed, Continuation)
    return Pending(
        pending.jobs,
        pending.vault,
        pending.google,
        pending.workflow,
        started.import_id,
        state,
        "4/0Ab-2",
        confirmed.cookie,
    )


def test_a_second_import_is_refused_while_one_runs_and_accepted_once_it_has_ended(pending: Pending) -> None:
    assert pending.callback().kind == "started"
    with pytest.raises(ImportRunning):
        _second_pending(pending, CALLED_AT + timedelta(minutes=1))
    assert [job.import_id for job in pending.jobs.page(USER, 10, None)[0]] == [pending.import_id]  # nothing kept
    pending.jobs.transition(USER, pending.import_id, ImportStatus.RUNNING, ImportStatus.SUCCEEDED, CALLED_AT)
    pending.jobs.end(USER, pending.import_id)  # what finalize does
    assert (
        _second_pending(pending, CALLED_AT + timedelta(minutes=2)).job().status == ImportStatus.AWAITING_AUTHORIZATION
    )


def test_of_two_imports_authorized_at_once_the_second_fails_as_import_running(pending: Pending) -> None:
    other = _second_pending(pending, STARTED_AT + timedelta(seconds=10))  # both awaiting consent
    assert pending.callback().kind == "started"
    outcome = other.callback()
    assert (outcome.kind, outcome.status_code) == ("busy", 409)
    assert (other.job().status, other.job().error_code) == (ImportStatus.FAILED, "import_running")
    assert (USER, other.import_id) not in pending.jobs.tokens  # its access token is not kept
    assert pending.jobs.user_of(other.import_id) is None
    assert list(pending.workflow.executions) == [pending.import_id]


def test_a_crashed_import_blocks_its_user_no_longer_than_its_lease(pending: Pending) -> None:
    assert pending.callback().kind == "started"  # and then its workflow never ends
    with pytest.raises(ImportRunning):
        _second_pending(pending, CALLED_AT + timedelta(seconds=LEASE_SECONDS - 1))
    assert _second_pending(pending, CALLED_AT + timedelta(seconds=LEASE_SECONDS)).job().status == (
        ImportStatus.AWAITING_AUTHORIZATION
    )
    assert IMPORT_WORKFLOW.timeout_s <= LEASE_SECONDS  # never free while the workflow could still run
