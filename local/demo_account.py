"""A demo account with a little of every kind of data, made through the API as the app makes it:
leads, a note, check-ins with a location, activities from call and SMS logs, a verified file, a
device, a Google Sheets import (through the local fake Google) and the switches on.

The Privacy Center's browser tests seed two of these, and ``make screenshots`` one. Loopback only:
``base_url`` is a local stack's gateway.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

REQUEST_TIMEOUT_S = 30
POLICY_VERSION = "2024-06-01"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoAccount:
    """What was made: enough for a test to compare an export with, value by value."""

    email: str
    password: str
    user_id: str
    access_token: str
    refresh_token: str
    leads: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    device_id: str = ""
    import_id: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def _phone() -> str:
    return f"+9197{secrets.randbelow(10**8):08d}"


class _Client:
    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.session.request(
            method, self.base_url + path, headers=headers, timeout=REQUEST_TIMEOUT_S, **kwargs
        )
        if response.status_code != expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} (expected {expect})")
        return response.json() if response.content else None


def register(base_url: str, name: str, email: str, phone: str, password: str) -> DemoAccount:
    """A confirmed account, signed in (locally any confirmation code is accepted)."""
    client = _Client(base_url)
    identity = {"name": name, "email": email, "phone": phone, "password": password, "policy_version": POLICY_VERSION}
    user_id = client.call("POST", "/v1/auth/register", 201, json=identity)["user_id"]
    client.call("POST", "/v1/auth/confirm", 200, json={"email": email, "code": "123456"})
    tokens = client.call("POST", "/v1/auth/login", 200, json={"email": email, "password": password})
    return DemoAccount(email, password, user_id, tokens["access_token"], tokens["refresh_token"])


def fill(base_url: str, account: DemoAccount, *, lead_names: tuple[str, ...], with_import: bool = True) -> DemoAccount:
    """Give ``account`` one of everything (several of some)."""
    api = _Client(base_url, account.access_token)
    switches = {"location_enabled": True, "call_log_sync_enabled": True, "sms_sync_enabled": True}
    api.call("PATCH", "/v1/me/preferences", 200, json=switches)
    for index, name in enumerate(lead_names):
        body = {"name": name, "phone": _phone(), "company": f"{name.split()[0]} Traders", "source": "phonebook"}
        if index == 0:
            body["email"] = f"{name.split()[0].lower()}.{secrets.token_hex(3)}@example.com"
        account.leads.append(api.call("POST", "/v1/leads", 201, json=body))
    first, second = account.leads[0], account.leads[-1]
    note = {"type": "note", "at": "2026-05-04T10:00:00Z", "body": "Asked for a quote for 40 units"}
    account.activities.append(api.call("POST", f"/v1/leads/{first['lead_id']}/activities", 201, json=note))
    for at, (lat, lng) in (("2026-05-05T09:30:00Z", (12.9716, 77.5946)), ("2026-05-06T15:10:00Z", (12.9352, 77.6245))):
        visit = {"lat": lat, "lng": lng, "accuracy_m": 12, "at": at, "note": "Visited the shop"}
        account.activities.append(api.call("POST", f"/v1/leads/{first['lead_id']}/check-ins", 201, json=visit))
    account.device_id = f"install-{secrets.token_hex(6)}"
    device = {"device_id": account.device_id, "platform": "android", "os_version": "14", "app_version": "3.2.1"}
    api.call("POST", "/v1/devices", 200, json=device)
    logs = {
        "device_id": account.device_id,
        "calls": [
            {"number": first["phone"], "direction": "outgoing", "at": "2026-05-07T11:00:00Z", "duration_s": 95},
            {"number": second["phone"], "direction": "incoming", "at": "2026-05-07T12:00:00Z", "duration_s": 40},
        ],
        "sms": [{"number": second["phone"], "direction": "incoming", "at": "2026-05-07T12:05:00Z", "body": "Call me"}],
    }
    synced = api.call("POST", "/v1/device-logs/sync", 200, json=logs)
    if synced["created"] != 3:
        raise RuntimeError(f"log sync created {synced['created']} activities, expected 3")
    announced = api.call(
        "POST",
        f"/v1/leads/{first['lead_id']}/files",
        201,
        json={"filename": "quote-may.pdf", "content_type": "application/pdf", "size": len(PDF)},
    )
    form = announced["upload"]
    uploaded = requests.post(
        form["url"], data=form["fields"], files={"file": ("quote-may.pdf", PDF)}, timeout=REQUEST_TIMEOUT_S
    )
    if uploaded.status_code >= 300:
        raise RuntimeError(f"upload: {uploaded.status_code}")
    account.files.append(api.call("POST", f"/v1/files/{announced['file_id']}/complete", 200))
    if with_import:
        account.import_id = _import(base_url, api)
    return account


def _import(base_url: str, api: _Client) -> str:
    """The demo sheet through our consent page (Continue, as a browser posts it), the fake
    Google's consent (it redirects at once) and the callback, in one browser session."""
    started = api.call(
        "POST", "/v1/imports/google-sheets", 201, json={"spreadsheet": "demo-leads-sheet", "on_duplicate": "skip"}
    )
    browser = requests.Session()
    page_url = started["authorization_url"]
    browser.get(page_url, timeout=REQUEST_TIMEOUT_S).raise_for_status()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page_url))
    to_google = browser.post(page_url, headers={"Origin": origin}, allow_redirects=False, timeout=REQUEST_TIMEOUT_S)
    if to_google.status_code != 303:
        raise RuntimeError(f"consent page: {to_google.status_code}")
    # The consent cookie is `__Host-` and Secure: a cookie jar keeps it off plain-HTTP 127.0.0.1,
    # where a browser sends it (localhost counts as a secure context), so it is sent by hand.
    cookie = to_google.headers["Set-Cookie"].split(";", 1)[0]
    consent = browser.get(to_google.headers["Location"], allow_redirects=False, timeout=REQUEST_TIMEOUT_S)
    callback = browser.get(
        consent.headers["Location"], headers={"Cookie": cookie}, allow_redirects=False, timeout=REQUEST_TIMEOUT_S
    )
    if callback.status_code != 200:
        raise RuntimeError(f"OAuth callback: {callback.status_code}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = api.call("GET", f"/v1/imports/{started['import_id']}", 200)
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return str(started["import_id"])
        time.sleep(0.2)
    raise RuntimeError("the demo import did not finish within 60 s")
