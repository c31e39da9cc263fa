"""Our consent step before Google (shared/imports/consent.py), against the fakes: what the page
shows, who may press Continue, and which browser the state is tied to (issue 12, item 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shared.accounts.directory import mask_email
from shared.imports import consent_page
from shared.imports.consent import ConsentView, Continuation, browser_id, confirm_consent, cookie_from, show_consent
from shared.imports.logic import start_import
from shared.imports.models import GoogleSheetsImportRequest
from shared.imports.oauth_flow import state_hash
from shared.privacy import Pii
from shared.resources import OAUTH_STATE_MAX_SECONDS
from tests.fakes.google_oauth import FakeGoogleOAuth
from tests.fakes.imports import FakeImportRepository
from tests.fakes.vault import FakeVault

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ORIGIN = "https://api.example.com"
SHEET = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"
USER = "user-consent"


@dataclass
class Started:
    jobs: FakeImportRepository
    vault: FakeVault
    google: FakeGoogleOAuth
    authorization_url: str
    state: str

    def confirm(
        self, *, origin: str | None = ORIGIN, cookie: str | None = None, now: datetime = NOW
    ) -> Continuation | str:
        return confirm_consent(
            self.jobs,
            self.vault,
            self.google,
            state=self.state,
            origin=origin,
            own_origin=ORIGIN,
            cookie=cookie,
            now=now,
        )


@pytest.fixture
def started() -> Started:
    jobs, vault, google = FakeImportRepository(), FakeVault(), FakeGoogleOAuth()
    body = GoogleSheetsImportRequest(spreadsheet=SHEET, on_duplicate="skip")
    out = start_import(
        jobs,
        vault,
        google,
        USER,
        body,
        NOW,
        account=mask_email("asha.rao@example.com"),
        redirect_uri=f"{ORIGIN}/v1/oauth/google/callback",
    )
    assert out.authorization_url is not None
    return Started(jobs, vault, google, out.authorization_url, google.issued[-1].state.reveal())


def test_the_authorization_url_is_our_consent_page_not_google(started: Started) -> None:
    assert started.authorization_url.startswith(f"{ORIGIN}/v1/oauth/google/consent?state=")
    assert started.google.issued[-1].url not in started.authorization_url


def test_the_page_shows_the_receiving_account_masked_and_the_sheet_shortened(started: Started) -> None:
    view = show_consent(started.jobs, started.vault, started.state, NOW)
    assert isinstance(view, ConsentView)
    assert (view.account, view.sheet) == ("a***@example.com", "1AbC…cdEF")
    page = consent_page.render(view)
    assert "a***@example.com" in page
    assert "1AbC…cdEF" in page
    assert "asha.rao" not in page
    assert SHEET not in page
    assert show_consent(started.jobs, started.vault, started.state, NOW) == view  # reading spends nothing


@pytest.mark.parametrize("state", [None, "", "never-issued"], ids=["missing", "empty", "unknown"])
def test_an_unknown_state_shows_no_account(started: Started, state: str | None) -> None:
    assert show_consent(started.jobs, started.vault, state, NOW) == "refused"


def test_an_expired_state_shows_no_account_and_cannot_continue(started: Started) -> None:
    late = NOW + timedelta(seconds=OAUTH_STATE_MAX_SECONDS + 1)
    assert show_consent(started.jobs, started.vault, started.state, late) == "refused"
    assert started.confirm(now=late) == "refused"


@pytest.mark.parametrize("origin", [None, "null", "https://attacker.example", "http://api.example.com"])
def test_continue_from_anywhere_but_our_page_is_refused_and_binds_nothing(started: Started, origin: str | None) -> None:
    assert started.confirm(origin=origin) == "cross_site"
    record = started.jobs.read_state(state_hash(Pii(started.state)))
    assert record is not None
    assert record.browser is None


def test_continue_ties_the_state_to_this_browser_and_leads_to_google(started: Started) -> None:
    first = started.confirm()
    assert isinstance(first, Continuation)
    assert first.google_url.startswith("https://accounts.google.test/o/oauth2/auth?")
    record = started.jobs.read_state(state_hash(Pii(started.state)))
    assert record is not None
    assert record.browser == browser_id(first.cookie)
    assert first.cookie not in str(record)  # only the cookie's hash is stored
    again = started.confirm(cookie=first.cookie)  # the same browser may press Continue again
    assert isinstance(again, Continuation)
    assert again.cookie == first.cookie


def test_a_second_browser_cannot_continue_once_one_has(started: Started) -> None:
    first = started.confirm()
    assert isinstance(first, Continuation)
    assert started.confirm() == "refused"  # a new browser (no cookie yet)
    assert started.confirm(cookie="B" * 43) == "refused"


def test_only_a_well_formed_consent_cookie_is_read() -> None:
    good = "A" * 43
    assert cookie_from(["other=1", f"__Host-import-consent={good}"]) == good
    assert cookie_from(["import-consent=" + good]) is None  # without the __Host- prefix
    assert cookie_from(["__Host-import-consent=short"]) is None
    assert cookie_from([]) is None
