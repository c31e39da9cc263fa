"""``make screenshots``: pictures of every page of the Privacy Center, for docs/privacy-center/.

Starts the local stack in this process (as ``make run`` does), makes a demo account with a little
of everything (local/demo_account.py), and drives Debian's Chromium through the pages: sign-in,
the signed-in page, both confirmations, the deletion receipt once erasure has completed, and the
signed-in page on a phone-sized screen. Not part of ``make test``: pictures are for people.

``python -m local.screenshots [--out docs/privacy-center]``
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DESKTOP: ViewportSize = {"width": 1024, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
LEADS = ("Ravi Kumar", "Priya Shah", "Meena Iyer")


def _sign_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/privacy")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_selector("#view-account:not([hidden])")
    page.wait_for_selector("#inventory tbody tr")


def take(out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    from local.demo_account import fill, register
    from local.testing import running_stack

    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with running_stack(port=0) as stack, sync_playwright() as playwright:
        base = stack.gateway_url
        account = register(base, "Asha Rao", "asha.rao@example.com", "+919876543210", "Correct-Horse-9")
        fill(base, account, lead_names=LEADS)
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP)
            page.goto(f"{base}/privacy")
            page.wait_for_selector("#view-sign-in:not([hidden])")
            shots.append(_shot(page, out / "sign-in.png", full=True))
            _sign_in(page, base, account.email, account.password)
            page.evaluate("window.scrollTo(0, 0)")
            shots.append(_shot(page, out / "overview.png", full=True))
            page.click("#forget-locations")
            page.wait_for_selector("#forget-dialog[open]")
            shots.append(_shot(page, out / "delete-locations.png"))
            page.click("#forget-cancel")
            page.click("#delete-account-open")
            page.wait_for_selector("#delete-dialog[open]")
            page.fill("#delete-password", account.password)
            shots.append(_shot(page, out / "delete-account.png"))

            phone = browser.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
            _sign_in(phone, base, account.email, account.password)
            phone.evaluate("window.scrollTo(0, 0)")
            shots.append(_shot(phone, out / "phone.png"))
            phone.close()

            page.click("#delete-confirm")
            page.wait_for_url("**/privacy/receipt#*")
            expect(page.locator("#erasure-state")).to_have_text("Done", timeout=60_000)
            shots.append(_shot(page, out / "receipt.png", full=True))
        finally:
            browser.close()
    return shots


def _shot(page: Any, path: Path, *, full: bool = False) -> Path:
    page.screenshot(path=str(path), full_page=full)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default="docs/privacy-center")
    args = parser.parse_args(argv)
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no chromium: `make browser` installs Debian's (needs root and apt)", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING)
    for path in take(Path(args.out), chromium):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
