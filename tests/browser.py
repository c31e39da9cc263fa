"""A real headless Chromium for the tests of pages (Debian's ``chromium``, driven by Playwright;
``make test`` installs it), and a watch on what a page requests and reports."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium: `make test` installs Debian's chromium (needs root and apt); "
    "set CHROMIUM=/path to use another",
)


class PageWatch:
    """Every URL the page requests, and every console message and uncaught error."""

    def __init__(self, page: Any) -> None:
        self.requests: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser (``needs_chromium`` skips the tests where there is none)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
