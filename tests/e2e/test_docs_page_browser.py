"""The docs UI in a real headless Chromium: Powertools' Swagger UI renders every route of the
API's document, fetching nothing at all — not from the internet, not even from the gateway."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import PageWatch, chromium, needs_chromium

pytestmark = [pytest.mark.e2e, needs_chromium]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def test_docs_page_renders_every_operation_and_requests_nothing_else(browser: Any, local_stack: Any) -> None:
    openapi = pytest.importorskip("functions.openapi")
    operations = sum(len(item) for item in json.loads(openapi.openapi_json())["paths"].values())
    docs_url = f"{local_stack.gateway_url}/v1/docs"
    page = browser.new_page()
    watch = PageWatch(page)

    response = page.goto(docs_url)
    page.wait_for_selector(".opblock")

    assert response is not None
    assert response.status == 200
    assert page.locator(".opblock").count() == operations
    assert page.locator("button.authorize").count() == 1  # the document's Cognito security scheme
    assert watch.requests == [docs_url]  # script and styles are inline; no font, image or favicon
    # Everything inline ran (it is allowed by hash); the one console line is the favicon's 404.
    assert [line for line in watch.console if "Content Security Policy" in line or "pageerror" in line] == []
    page.close()
