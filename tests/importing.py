"""Helpers for Google Sheets import tests: drive our consent page and Google's redirect by hand, as
a browser would (its Origin, its consent cookie), and wait for a job."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from shared.imports.consent import COOKIE_NAME as CONSENT_COOKIE
from tests.plugins.log_canary import register_canary
from tests.support import TestUser, unique_phone

TERMINAL = ("succeeded", "failed", "cancelled", "undone", "undo_failed")


@dataclass
class Consent:
    """What Google's consent redirect carried back (the callback URL and its parameters), and the
    consent cookie of the browser that pressed Continue on our page."""

    callback_url: str
    code: str | None
    state: str | None
    error: str | None
    cookie: str | None = None


def start_import(user: TestUser, spreadsheet: str, **fields: Any) -> dict[str, Any]:
    body = {"spreadsheet": spreadsheet, "on_duplicate": "skip", **fields}
    response = user.api.post("/v1/imports/google-sheets", json=body)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


def continue_to_google(authorization_url: str, cookie: str | None = None) -> tuple[str, str]:
    """Our consent page, then its Continue button (a POST from the page's own origin): Google's
    consent URL and this browser's consent cookie."""
    page = requests.get(authorization_url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text
    parts = urlsplit(authorization_url)
    headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
    if cookie:
        headers["Cookie"] = f"{CONSENT_COOKIE}={cookie}"
    confirmed = requests.post(authorization_url, headers=headers, allow_redirects=False, timeout=10)
    assert confirmed.status_code == 303, confirmed.text
    name, _, rest = confirmed.headers["Set-Cookie"].partition("=")
    assert name == CONSENT_COOKIE
    return confirmed.headers["Location"], register_canary(rest.split(";")[0], "consent cookie")


def consent(authorization_url: str, cookie: str | None = None) -> Consent:
    """Our consent page, Continue, and Google's consent screen (the fake redirects at once):
    where Google sends the browser back, and the browser's consent cookie (``cookie``: a browser
    that has one already)."""
    google_url, cookie = continue_to_google(authorization_url, cookie)
    response = requests.get(google_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    query = {key: values[-1] for key, values in parse_qs(urlsplit(location).query).items()}
    for name in ("code", "state"):
        if name in query:
            register_canary(query[name], f"oauth {name}")
    return Consent(location, query.get("code"), query.get("state"), query.get("error"), cookie)


def callback(granted: Consent, *, same_browser: bool = True) -> requests.Response:
    """A browser following Google's redirect to our callback (a public route): by default the one
    that continued on our consent page (it sends the consent cookie)."""
    headers = {"Cookie": f"{CONSENT_COOKIE}={granted.cookie}"} if same_browser and granted.cookie else {}
    return requests.get(granted.callback_url, headers=headers, allow_redirects=False, timeout=30)


def wait_for_import(user: TestUser, import_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = user.api.get(f"/v1/imports/{import_id}")
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()
        if job["status"] in TERMINAL:
            return job
        if time.monotonic() > deadline:
            raise TimeoutError(f"import still {job['status']} after {timeout}s")
        time.sleep(0.1)


def run_import(user: TestUser, spreadsheet: str, **fields: Any) -> dict[str, Any]:
    """Start → consent → callback → wait: the whole user journey; returns the finished job."""
    started = start_import(user, spreadsheet, **fields)
    granted = consent(started["authorization_url"])
    page = callback(granted)
    assert page.status_code == 200, page.text
    return wait_for_import(user, started["import_id"])


def all_leads(user: TestUser) -> list[dict[str, Any]]:
    leads: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = user.api.get("/v1/leads", params=params).json()
        leads += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return leads


def sheet_id() -> str:
    return f"sheet{secrets.token_hex(12)}"


def lead_rows(count: int, *, start: int = 0) -> list[list[Any]]:
    """``count`` distinct valid leads (name, phone, email) — values the import may store."""
    rows = []
    for i in range(start, start + count):
        tag = secrets.token_hex(3)
        rows.append([f"Imported {tag} {i}", unique_phone(), f"imported.{tag}.{i}@example.com"])
    return rows
