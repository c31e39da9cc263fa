"""The OAuth callback page in a real headless Chromium (Debian's ``chromium``, driven by
Playwright; ``make test`` installs it): it renders, loads nothing, and cleans the address bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PageWatch, chromium, needs_chromium
from tests.importing import sheet_id, start_import, wait_for_import
from tests.support import TestUser, unique_phone

SCREENSHOT = Path(__file__).resolve().parents[2] / ".build" / "callback-page.png"

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_callback_page_renders_loads_nothing_and_removes_the_code_from_the_address_bar(
    browser: Any, user: TestUser, local_stack: Any
) -> None:
    spreadsheet = sheet_id()
    local_stack.google.load_sheet(spreadsheet, [["Name", "Phone"], ["Browser Lead", unique_phone()]], row_count=3)
    started = start_import(user, spreadsheet)
    callback_url = f"{local_stack.gateway_url}/v1/oauth/google/callback"
    page = browser.new_page()
    watch = PageWatch(page)

    page.goto(started["authorization_url"])  # our consent page
    with page.expect_response(lambda r: r.url.startswith(callback_url)) as landed:  # Continue → Google → callback
        page.click("button[type=submit]")
    page.wait_for_load_state("load")
    response = landed.value
    watch.requests[:] = [url for url in watch.requests if url.startswith(callback_url)]

    assert response is not None
    assert response.status == 200
    assert page.inner_text("h1") == "Import started"
    assert page.url == callback_url  # no code, no state: replaced before anything else ran
    assert "code=" not in page.evaluate("location.href")
    assert page.evaluate("history.length") == 3  # about:blank, the consent page, the cleaned callback
    assert page.get_attribute("a.button", "href") == f"leadcrm://imports/{started['import_id']}"
    # One request since Google: the callback document. No script, style, font, image or favicon
    # from anywhere (the consent page before it: tests/e2e/test_consent_page_browser.py).
    assert len(watch.requests) == 1, watch.requests
    assert watch.requests[0].startswith(callback_url + "?")
    # The strict CSP let the page's own inline style and script run (by hash) and nothing else.
    assert watch.console == []
    assert page.eval_on_selector("main", "element => getComputedStyle(element).maxWidth") == "448px"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # The same link again (back button, a shared URL): refused, and still cleaned up.
    replay = page.goto(watch.requests[0])
    assert replay is not None
    assert replay.status == 400
    assert page.inner_text("h1") == "This link can't be used"
    assert page.url == callback_url
    page.close()

    assert wait_for_import(user, started["import_id"])["status"] == "succeeded"
