"""The import's consent step in a real headless Chromium (Debian's ``chromium``, driven by
Playwright): a forwarded authorization link must not import one person's sheet into another's
account.

``authorization_url`` opens our own page first. It shows, before Google is contacted, which
account receives the data (its email, masked) and which spreadsheet (its id, shortened), and only
its Continue button — a same-origin form — leads on to Google. Continuing ties the import to that
browser (a cookie), and Google's redirect is accepted only in the browser that continued: a
forwarded Google link imports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PageWatch, chromium, needs_chromium
from tests.importing import all_leads, continue_to_google, sheet_id, start_import, wait_for_import
from tests.support import TestUser, unique_phone

SCREENSHOT = Path(__file__).resolve().parents[2] / ".build" / "consent-page.png"

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _masked(email: str) -> str:
    local, domain = email.split("@")
    return f"{local[0]}***@{domain}"


def _sheet_with_a_lead(local_stack: Any, name: str) -> str:
    spreadsheet = sheet_id()
    local_stack.google.load_sheet(spreadsheet, [["Name", "Phone"], [name, unique_phone()]], row_count=3)
    return spreadsheet


def test_a_forwarded_authorization_link_shows_whose_account_receives_the_data_before_google(
    browser: Any, user: TestUser, local_stack: Any
) -> None:
    """User A starts an import naming B's spreadsheet and sends B the link. B's browser shows A's
    account (masked) and the sheet, and Google has not been contacted."""
    spreadsheet = _sheet_with_a_lead(local_stack, "Forwarded Lead")
    started = start_import(user, spreadsheet)
    consent_url = f"{local_stack.gateway_url}/v1/oauth/google/consent"
    someone_else = browser.new_context()
    page = someone_else.new_page()
    watch = PageWatch(page)

    response = page.goto(started["authorization_url"])

    assert response is not None
    assert response.status == 200
    assert watch.requests == [started["authorization_url"]]  # our page only: Google not contacted
    assert started["authorization_url"].startswith(consent_url + "?")
    text = page.inner_text("main")
    assert _masked(user.email) in text
    assert f"{spreadsheet[:4]}…{spreadsheet[-4:]}" in text
    html = page.content()
    assert user.email not in html
    assert spreadsheet not in html
    assert page.url == consent_url  # the state is not left in the address bar or the history
    assert watch.console == []
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    someone_else.close()
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert job["status"] == "awaiting_authorization"


def test_google_s_link_forwarded_after_continuing_imports_nothing(
    browser: Any, user: TestUser, local_stack: Any
) -> None:
    """A continues in A's own browser and forwards Google's consent link instead: B consents, Google
    redirects B's browser to the callback, and the callback refuses it (not the browser that
    continued). Nothing reaches A's account, and A's import ends as failed."""
    spreadsheet = _sheet_with_a_lead(local_stack, "Smuggled Lead")
    started = start_import(user, spreadsheet)
    # A's own browser (an HTTP client here): A's page, Continue, and Google's link, not followed.
    google_link, _ = continue_to_google(started["authorization_url"])

    receiver = browser.new_context()
    page = receiver.new_page()
    response = page.goto(google_link)  # (fake) Google consents at once and redirects back

    assert response is not None
    assert response.status == 400
    assert page.url == f"{local_stack.gateway_url}/v1/oauth/google/callback"
    assert page.inner_text("h1") == "This link can't be used here"
    receiver.close()
    job = wait_for_import(user, started["import_id"])
    assert (job["status"], job["error_code"], job["leads_created"]) == ("failed", "consent_not_confirmed", 0)
    assert "Smuggled Lead" not in {lead["name"] for lead in all_leads(user)}


def test_continuing_on_the_page_goes_to_google_and_the_import_runs(
    browser: Any, user: TestUser, local_stack: Any
) -> None:
    spreadsheet = _sheet_with_a_lead(local_stack, "Confirmed Lead")
    started = start_import(user, spreadsheet)
    context = browser.new_context()
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(started["authorization_url"])

    with page.expect_navigation(url=f"{local_stack.gateway_url}/v1/oauth/google/callback"):
        page.click("button[type=submit]")

    assert page.inner_text("h1") == "Import started"
    consent_url = f"{local_stack.gateway_url}/v1/oauth/google/consent"
    # Our page, the confirmation (a POST, redirected to Google), Google, the callback: nothing else.
    assert [url.split("?")[0] for url in watch.requests] == [
        consent_url,
        consent_url,
        f"{local_stack.google_url}/o/oauth2/auth",
        f"{local_stack.gateway_url}/v1/oauth/google/callback",
    ]
    assert watch.console == []  # the CSP let the page's own style, script and form through
    context.close()
    assert wait_for_import(user, started["import_id"])["status"] == "succeeded"


def test_a_confirmation_posted_from_another_site_is_refused(browser: Any, user: TestUser, local_stack: Any) -> None:
    """Another site cannot press Continue for a visitor (a self-submitting form): the consent
    route accepts only a POST from its own page."""
    started = start_import(user, _sheet_with_a_lead(local_stack, "Csrf Lead"))
    attacker = "http://attacker.test/"
    form = f'<form method="post" action="{started["authorization_url"]}"><button>Win a prize</button></form>'
    context = browser.new_context()
    page = context.new_page()
    page.route(attacker, lambda route: route.fulfill(status=200, content_type="text/html", body=form))
    page.goto(attacker)
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.click("button")

    assert posted.value.status == 403
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == "Continue on the import page"
    assert not any(c.name.endswith("import-consent") for c in context.cookies())
    context.close()
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert job["status"] == "awaiting_authorization"
