"""The Privacy Center in a real headless Chromium (Debian's, driven by Playwright) against the
local stack that `make run` starts: every flow a person has, end to end, with two seeded users.

Each test is one browser session (a fresh context: no memory of another test's tokens). Every
page is checked with axe (0 serious or critical violations) and every request the page makes is
checked to be same-origin. Flows that delete come last in their test and use their own user.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from local.demo_account import DemoAccount, fill
from tests.browser import PageWatch, chromium, needs_chromium
from tests.plugins.log_canary import register_canary
from tests.support import Api, TestUser, create_user, fresh_totp_code, wrong_totp_code

pytestmark = [pytest.mark.e2e, needs_chromium]

SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _seed(api: Api, base_url: str, *, with_import: bool) -> tuple[TestUser, DemoAccount]:
    user = create_user(api)
    tag = user.user_id[:6]
    account = DemoAccount(
        user.email, user.password, user.user_id, user.tokens["access_token"], user.tokens["refresh_token"]
    )
    names = tuple(register_canary(f"Canarylead {tag} {n}", "lead name") for n in ("Meera", "Kiran", "Dev"))
    fill(base_url, account, lead_names=names, with_import=with_import)
    for lead in account.leads:
        for key in ("phone", "email"):
            if lead.get(key):
                register_canary(lead[key], f"lead {key}")
    return user, account


@pytest.fixture(scope="module")
def asha(api: Api, local_stack: Any) -> tuple[TestUser, DemoAccount]:
    """The first seeded user: everything, an import included. Nothing in this module deletes hers."""
    return _seed(api, local_stack.gateway_url, with_import=True)


@pytest.fixture(scope="module")
def ravi(api: Api, local_stack: Any) -> tuple[TestUser, DemoAccount]:
    """The second seeded user, whose data must never appear in the first one's pages."""
    return _seed(api, local_stack.gateway_url, with_import=False)


class Session:
    """One browser session on the Privacy Center: a fresh context, its page, what it requested."""

    def __init__(self, browser: Any, base_url: str, **context_options: Any) -> None:
        self.base_url = base_url
        self.context = browser.new_context(accept_downloads=True, **context_options)
        self.page = self.context.new_page()
        self.watch = PageWatch(self.page)
        self.authorizations: list[str] = []
        self.page.on("request", self._note_token)

    def _note_token(self, request: Any) -> None:
        header = request.headers.get("authorization")
        if header:
            register_canary(header.removeprefix("Bearer "), "page token")
            self.authorizations.append(header)

    def open(self, path: str = "/privacy") -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == 200

    def sign_in(self, email: str, password: str) -> None:
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("#sign-in")

    def signed_in(self) -> None:
        self.page.wait_for_selector("#view-account:not([hidden])")
        self.page.wait_for_selector("#inventory tbody tr")

    def count(self, kind: str) -> str:
        row = self.page.locator("#inventory tbody tr", has=self.page.locator("th", has_text=kind)).first
        return str(row.locator("td.count").inner_text())

    def axe(self) -> None:
        """0 serious or critical accessibility violations on what is shown now."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        assert serious == [], results.generate_report()

    def only_same_origin(self) -> None:
        origin = urlsplit(self.base_url)
        for url in self.watch.requests:
            parts = urlsplit(url.removeprefix("blob:"))
            assert (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc), url

    def close(self) -> None:
        errors = [line for line in self.watch.console if "pageerror" in line or "Content Security Policy" in line]
        self.context.close()
        assert errors == []


@pytest.fixture
def session(browser: Any, local_stack: Any) -> Iterator[Session]:
    opened = Session(browser, local_stack.gateway_url)
    yield opened
    opened.close()


def _api_as(api: Api, account: DemoAccount) -> Api:
    login = api.post("/v1/auth/login", json={"email": account.email, "password": account.password})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    register_canary(token, "access_token")
    return api.as_user(token)


# --- sign in and see what is held ----------------------------------------------------------------


def test_sign_in_by_keyboard_shows_what_is_held_and_keeps_nothing_in_the_browser(
    session: Session, asha: tuple[TestUser, DemoAccount], api: Api
) -> None:
    user, account = asha
    inventory = _api_as(api, account).get("/v1/me/inventory").json()
    session.open()
    session.axe()  # the sign-in page

    page = session.page
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(account.email)
    page.keyboard.press("Tab")
    page.keyboard.type(account.password)
    page.keyboard.press("Enter")
    session.signed_in()

    assert page.inner_text("#who") == account.email
    contact = page.inner_text("#contact")
    assert user.name in contact
    assert user.email in contact
    assert user.phone in contact
    assert page.inner_text("#consents tbody").startswith("2024-06-01")
    assert page.get_attribute("#consents time", "datetime")
    assert session.count("Leads") == f"{inventory['leads']:,}"
    assert session.count("Activities") == "6"
    assert session.count("Check-ins with a location") == "2"
    assert session.count("Files") == "1"
    assert session.count("Devices") == "1"
    assert session.count("Imports from Google Sheets") == "1"
    assert "2 from call logs, 1 from SMS, 2 check-ins" in page.inner_text("#inventory")
    assert "up to 90 days" in page.inner_text("#retention")
    # Tokens live in memory only: no storage, no cookie, nothing the page could leave behind.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""
    assert session.context.cookies() == []
    assert page.evaluate("indexedDB.databases().then(list => list.length)") == 0
    session.axe()  # the signed-in page

    page.reload()  # a reload is a closed tab: the session is gone
    page.wait_for_selector("#view-sign-in:not([hidden])")
    assert page.is_hidden("#view-account")
    assert user.email not in page.content()
    session.only_same_origin()


def test_sign_out_forgets_the_session_and_everything_shown(
    session: Session, asha: tuple[TestUser, DemoAccount]
) -> None:
    _, account = asha
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()

    session.page.click("#sign-out")

    session.page.wait_for_selector("#view-sign-in:not([hidden])")
    assert account.email not in session.page.content()
    assert session.page.is_hidden("#sign-out")
    session.only_same_origin()


def test_a_wrong_password_says_so_and_signs_nobody_in(session: Session, asha: tuple[TestUser, DemoAccount]) -> None:
    _, account = asha
    session.open()

    session.sign_in(account.email, account.password + "x")

    session.page.wait_for_selector("#alert:not([hidden])")
    assert session.page.inner_text("#alert") == "Email or password is wrong."
    assert session.page.is_hidden("#view-account")
    assert session.authorizations == []
    session.sign_in(account.email, "")
    assert session.page.inner_text("#alert") == "Enter your email address and your password."
    session.axe()  # with the error shown
    session.only_same_origin()


def test_the_contact_addresses_are_the_policys(session: Session) -> None:
    session.open()
    policy = (Path(__file__).resolve().parents[2] / "docs" / "privacy-policy.txt").read_text()
    shown = session.page.locator("#by-email a").all_inner_texts()
    assert sorted(shown) == ["support@3Sigma.com", "vivek@3sigmacrm.com"]
    assert all(address in policy for address in shown)


def test_an_account_with_mfa_signs_in_with_its_code_and_a_wrong_code_says_so(session: Session, api: Api) -> None:
    """A real account with TOTP on (POST /v1/me/mfa/totp, verified): the page asks for the code,
    refuses a wrong one with a clear message and signs in with the right one."""
    user = create_user(api)
    secret = user.api.post("/v1/me/mfa/totp").json()["secret"]
    enabled = user.api.post("/v1/me/mfa/totp/verify", json={"code": fresh_totp_code(secret)})
    assert enabled.status_code == 200, enabled.text
    page = session.page
    session.open()
    session.sign_in(user.email, user.password)
    page.wait_for_selector("#mfa-form:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "mfa-code"
    assert session.authorizations == []  # no token before the code
    session.axe()

    page.fill("#mfa-code", wrong_totp_code(secret))
    page.click("#mfa-verify")
    page.wait_for_selector("#alert:not([hidden])")
    assert "code is not right" in page.inner_text("#alert")
    assert page.is_hidden("#view-account")
    page.fill("#mfa-code", fresh_totp_code(secret))
    page.click("#mfa-verify")
    session.signed_in()
    session.only_same_origin()


# --- switches ------------------------------------------------------------------------------------


def test_switches_change_the_server_side_preferences_and_a_stale_version_changes_nothing(
    session: Session, asha: tuple[TestUser, DemoAccount], api: Api
) -> None:
    _, account = asha
    server = _api_as(api, account)
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page
    assert page.is_checked("#switch-sms_sync_enabled")

    page.click("#switch-sms_sync_enabled")
    expect(page.locator("#status")).to_contain_text("switched off")
    assert server.get("/v1/me/preferences").json()["sms_sync_enabled"] is False
    page.click("#switch-sms_sync_enabled")
    expect(page.locator("#status")).to_contain_text("SMS switched on")
    assert server.get("/v1/me/preferences").json()["sms_sync_enabled"] is True

    # The app changes a setting meanwhile: the page's version is stale, its write is refused.
    assert server.patch("/v1/me/preferences", json={"file_uploads_enabled": False}).status_code == 200
    page.click("#switch-location_enabled")
    page.wait_for_selector("#alert:not([hidden])")
    assert "changed elsewhere" in page.inner_text("#alert")
    stored = server.get("/v1/me/preferences").json()
    assert stored["location_enabled"] is True  # nothing changed by the stale write
    assert page.is_checked("#switch-location_enabled")
    assert not page.is_checked("#switch-file_uploads_enabled")  # the page shows the state as it is now
    server.patch("/v1/me/preferences", json={"file_uploads_enabled": True})
    session.only_same_origin()


def test_an_expired_session_says_so_and_changes_nothing(
    session: Session, asha: tuple[TestUser, DemoAccount], api: Api
) -> None:
    _, account = asha
    server = _api_as(api, account)
    before = server.get("/v1/me/preferences").json()
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page
    # The access token has expired (API Gateway's 401) and so has the refresh token.
    gateway_401 = {"status": 401, "json": {"message": "Unauthorized"}}
    page.route("**/v1/me/preferences", lambda route: route.fulfill(**gateway_401))
    page.route(
        "**/v1/auth/refresh",
        lambda route: route.fulfill(status=401, json={"error": {"code": "invalid_refresh_token", "message": "no"}}),
    )

    page.click("#switch-location_enabled")

    page.wait_for_selector("#view-sign-in:not([hidden])")
    page.wait_for_selector("#alert:not([hidden])")
    assert page.inner_text("#alert") == "Your session has expired. Sign in again; nothing was changed."
    assert account.email not in page.inner_text("main")
    assert server.get("/v1/me/preferences").json() == before


def test_a_refused_token_is_renewed_with_the_refresh_token_and_the_request_goes_through(
    session: Session, asha: tuple[TestUser, DemoAccount], api: Api
) -> None:
    _, account = asha
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page
    refused: list[str] = []

    def once(route: Any) -> None:
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=401, json={"message": "Unauthorized"})
        else:
            route.continue_()

    page.route("**/v1/me/preferences", once)
    page.click("#switch-sms_sync_enabled")
    expect(page.locator("#status")).to_contain_text("SMS switched off")
    assert any(url.endswith("/v1/auth/refresh") for url in session.watch.requests)
    assert _api_as(api, account).get("/v1/me/preferences").json()["sms_sync_enabled"] is False
    page.click("#switch-sms_sync_enabled")
    expect(page.locator("#status")).to_contain_text("SMS switched on")


# --- download everything -------------------------------------------------------------------------


def _download(session: Session, button: str) -> Path:
    with session.page.expect_download() as started:
        session.page.click(button)
    download = started.value
    path = download.path()
    assert path is not None
    return Path(path)


def test_the_downloads_hold_everything_of_the_user_and_nothing_of_the_other(
    session: Session, asha: tuple[TestUser, DemoAccount], ravi: tuple[TestUser, DemoAccount], api: Api
) -> None:
    user, account = asha
    _, other = ravi
    server = _api_as(api, account)
    leads = []
    cursor = None
    while True:
        page_ = server.get("/v1/leads", params={"limit": 100} | ({"cursor": cursor} if cursor else {})).json()
        leads += page_["items"]
        cursor = page_.get("next_cursor")
        if not cursor:
            break
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()

    exported = json.loads(_download(session, "#download-json").read_text())

    assert exported["format"] == "lead-crm-export/1"
    assert exported["profile"]["email"] == user.email
    assert exported["profile"]["phone"] == user.phone
    assert {lead["lead_id"] for lead in exported["leads"]} == {lead["lead_id"] for lead in leads}
    for seeded in account.leads:
        assert next(lead for lead in exported["leads"] if lead["lead_id"] == seeded["lead_id"]) == seeded | {
            "version": next(lead["version"] for lead in leads if lead["lead_id"] == seeded["lead_id"])
        }
    activity_ids = {a["activity_id"] for a in exported["activities"]}
    assert {a["activity_id"] for a in account.activities} <= activity_ids
    assert sorted(a["source"] for a in exported["activities"]) == sorted(
        ["manual", "check_in", "check_in", "call_log", "call_log", "sms_log"]
    )
    assert [f["file_id"] for f in exported["files"]] == [account.files[0]["file_id"]]
    assert [d["device_id"] for d in exported["devices"]] == [account.device_id]
    assert [i["import_id"] for i in exported["imports"]] == [account.import_id]
    assert exported["preferences"]["location_enabled"] is True
    text = json.dumps(exported)
    for lead in other.leads:
        assert lead["lead_id"] not in text
        assert lead["name"] not in text
        assert lead["phone"] not in text
    assert other.device_id not in text

    archive = zipfile.ZipFile(_download(session, "#download-csv"))
    assert archive.testzip() is None  # every entry's CRC matches
    names = set(archive.namelist())
    assert {"README.txt", "profile.csv", "preferences.csv", "leads.csv", "activities.csv", "files.csv"} <= names
    assert {"devices.csv", "imports.csv"} <= names

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))

    assert {row["lead_id"] for row in rows("leads.csv")} == {lead["lead_id"] for lead in leads}
    check_ins = [row for row in rows("activities.csv") if row["source"] == "check_in"]
    assert sorted(float(row["location.lat"]) for row in check_ins) == [12.9352, 12.9716]
    assert rows("profile.csv")[0]["email"] == user.email
    assert rows("profile.csv")[0]["phone"] == user.phone  # a phone is not a formula: kept as it is
    csv_text = "".join(archive.read(name).decode() for name in names)
    for lead in other.leads:
        assert lead["lead_id"] not in csv_text
        assert lead["name"] not in csv_text
    session.only_same_origin()


# --- delete one kind -------------------------------------------------------------------------------


def test_delete_check_in_locations_confirms_what_goes_then_leaves_no_coordinates(
    session: Session, api: Api, local_stack: Any, ravi: tuple[TestUser, DemoAccount]
) -> None:
    _, account = _seed(api, local_stack.gateway_url, with_import=False)
    _, other = ravi
    server = _api_as(api, account)
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page
    deletes: list[str] = []
    page.on("request", lambda request: deletes.append(request.url) if request.method == "DELETE" else None)

    page.click("#forget-locations")
    page.wait_for_selector("#forget-dialog[open]")
    assert "Delete all check-in locations?" in page.inner_text("#forget-title")
    assert "of 2 check-ins will be deleted" in page.inner_text("#forget-text")
    assert "still switched on" in page.inner_text("#forget-warning")
    session.axe()  # the confirmation
    page.click("#forget-cancel")
    assert not page.is_visible("#forget-dialog")
    assert deletes == []  # cancelled: nothing sent

    page.click("#forget-locations")
    page.dblclick("#forget-confirm")  # a double-submit
    expect(page.locator("#status")).to_contain_text("Deleted the location of 2")

    assert len(deletes) == 1
    assert session.count("Check-ins with a location") == "0"
    assert page.is_disabled("#forget-locations")
    exported = json.dumps(json.loads(_download(session, "#download-json").read_text()))
    assert '"lat"' not in exported
    assert "12.9716" not in exported
    for lead in account.leads:
        for activity in server.get(f"/v1/leads/{lead['lead_id']}/activities").json()["items"]:
            assert activity["location"] is None
    assert server.get("/v1/me/inventory").json()["activities"]["check_ins"] == 2  # the visits stay
    theirs = Api(api.base_url, other.access_token).get(f"/v1/leads/{other.leads[0]['lead_id']}/activities")
    assert sum(1 for a in theirs.json()["items"] if a["location"]) == 2
    session.only_same_origin()


def test_delete_activities_from_call_logs_and_sms_keeps_the_rest(session: Session, api: Api, local_stack: Any) -> None:
    _, account = _seed(api, local_stack.gateway_url, with_import=False)
    server = _api_as(api, account)
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page

    page.click("#forget-call_log")
    assert "2 activities created from your call logs will be deleted" in page.inner_text("#forget-text")
    page.click("#forget-confirm")
    expect(page.locator("#status")).to_contain_text("Deleted 2 activities from call logs")
    page.click("#forget-sms_log")
    assert "1 activity created from your SMS" in page.inner_text("#forget-text")
    page.click("#forget-confirm")
    expect(page.locator("#status")).to_contain_text("Deleted 1 activity from SMS")

    counts = server.get("/v1/me/inventory").json()["activities"]
    assert (counts["from_call_logs"], counts["from_sms_logs"], counts["manual"], counts["check_ins"]) == (0, 0, 1, 2)
    assert "0 from call logs, 0 from SMS" in page.inner_text("#inventory")
    session.only_same_origin()


# --- delete the account --------------------------------------------------------------------------


def test_delete_account_rechecks_the_password_sends_one_request_and_the_receipt_outlives_the_account(
    session: Session, api: Api, local_stack: Any
) -> None:
    user, account = _seed(api, local_stack.gateway_url, with_import=False)
    session.open()
    session.sign_in(account.email, account.password)
    session.signed_in()
    page = session.page
    deletes: list[str] = []
    page.on("request", lambda request: deletes.append(request.url) if request.method == "DELETE" else None)

    page.click("#delete-account-open")
    page.wait_for_selector("#delete-dialog[open]")
    assert "3 leads" in page.inner_text("#delete-summary")
    session.axe()  # the confirmation
    page.fill("#delete-password", account.password + "x")
    page.click("#delete-confirm")
    page.wait_for_selector("#delete-error:not([hidden])")
    assert page.inner_text("#delete-error") == "The password is wrong. Nothing was deleted."
    assert _api_as(api, account).get("/v1/me").status_code == 200  # the account is intact

    page.fill("#delete-password", account.password)
    page.dblclick("#delete-confirm")  # a double-submit: one request
    page.wait_for_url("**/privacy/receipt#*")
    deletion_id = page.url.rsplit("#", 1)[1]
    expect(page.locator("#erasure-state")).to_have_text("Done", timeout=60_000)

    assert len(deletes) == 2  # the wrong password's, then one
    assert page.inner_text("#status") == "Erasure completed."
    completed = page.get_attribute("#completed-at", "datetime")
    backups = page.get_attribute("#backups-expire-by", "datetime")
    receipt = api.get(f"/v1/deletions/{deletion_id}").json()
    assert (completed, backups) == (receipt["completed_at"], receipt["backups_expire_by"])
    assert "Leads" in page.inner_text("#counts")
    session.axe()  # the receipt page
    # The tokens the page used are refused now, and the account can't sign in.
    for header in set(session.authorizations):
        assert api.get("/v1/me", headers={"Authorization": header}).status_code == 401
    assert api.post("/v1/auth/login", json={"email": user.email, "password": user.password}).status_code == 401
    # The receipt keeps working in a fresh session, long after the account is gone.
    again = session.context.new_page()
    again.goto(page.url)
    expect(again.locator("#erasure-state")).to_have_text("Done")
    again.close()
    session.only_same_origin()


def test_the_receipt_page_says_when_an_id_is_unknown(session: Session) -> None:
    session.open("/privacy/receipt#" + "x" * 32)
    session.page.wait_for_selector("#alert:not([hidden])")
    assert "no deletion with this receipt" in session.page.inner_text("#alert")
    session.axe()  # the receipt page with its error
    session.only_same_origin()


def test_the_pages_fit_a_phone_screen(browser: Any, local_stack: Any, asha: tuple[TestUser, DemoAccount]) -> None:
    _, account = asha
    phone = Session(browser, local_stack.gateway_url, viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        phone.open()
        phone.sign_in(account.email, account.password)
        phone.signed_in()
        assert phone.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.open("/privacy/receipt#" + "x" * 32)
        assert phone.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        phone.close()
