"""The Google clients against the fake Google over real HTTP: OAuth with PKCE and a single-use
code, and the Sheets REST client's retries, errors and range handling."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import secrets
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from local.fake_google import CLIENT_ID, CLIENT_SECRET, FakeGoogle, Formatted
from shared.imports.errors import AuthorizationExpired, SheetAccessDenied, SheetNotFound, SheetsUnavailable
from shared.imports.google.oauth import SCOPES, AuthorizationRejected, GoogleOAuth, OAuthClientConfig
from shared.imports.google.sheets import SheetsClient, a1_range, column_letters
from shared.privacy import Pii

REDIRECT = "http://127.0.0.1:9/v1/oauth/google/callback"  # never contacted: redirects are read


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle().start()
    yield fake
    fake.stop()


@pytest.fixture
def oauth(google: FakeGoogle, monkeypatch: pytest.MonkeyPatch) -> GoogleOAuth:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake speaks plain http
    return GoogleOAuth(
        OAuthClientConfig(
            client_id=CLIENT_ID,
            client_secret=Pii(CLIENT_SECRET),
            auth_uri=f"{google.url}/o/oauth2/auth",
            token_uri=f"{google.url}/token",
            redirect_uri=REDIRECT,
        )
    )


def _consent(url: str) -> dict[str, str]:
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    return {k: v[-1] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def test_authorization_url_asks_for_online_access_with_pkce_s256(oauth: GoogleOAuth) -> None:
    request = oauth.authorization_request()
    params = {k: v[-1] for k, v in parse_qs(urlsplit(request.url).query).items()}
    verifier = request.code_verifier.reveal()
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert params["code_challenge"] == expected
    assert params["code_challenge_method"] == "S256"
    assert params["access_type"] == "online"
    assert params["state"] == request.state.reveal()
    assert params["scope"].split() == list(SCOPES)
    assert params["redirect_uri"] == REDIRECT
    assert verifier not in request.url


def test_the_consent_url_is_rebuilt_from_the_state_and_verifier(oauth: GoogleOAuth) -> None:
    """The consent page builds Google's URL only when the user continues, from the sealed verifier."""
    request = oauth.authorization_request()
    assert oauth.authorization_url(request.state, request.code_verifier) == request.url


def test_a_code_is_spent_once_and_only_with_its_verifier(oauth: GoogleOAuth) -> None:
    request = oauth.authorization_request()
    code = _consent(request.url)["code"]
    other = oauth.authorization_request()
    with pytest.raises(AuthorizationRejected):  # wrong verifier: refused, and the code is spent
        oauth.exchange(code, other.code_verifier)
    with pytest.raises(AuthorizationRejected):
        oauth.exchange(code, request.code_verifier)

    fresh = oauth.authorization_request()
    fresh_code = _consent(fresh.url)["code"]
    token = oauth.exchange(fresh_code, fresh.code_verifier)
    assert token.token.reveal().startswith("ya29.")
    assert token.expires_in == 3599
    assert set(SCOPES) <= token.scopes
    with pytest.raises(AuthorizationRejected):
        oauth.exchange(fresh_code, fresh.code_verifier)


def test_token_exchange_logs_nothing_even_at_debug(
    oauth: GoogleOAuth, google: FakeGoogle, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """requests_oauthlib logs the token request and response at DEBUG: held at WARNING."""
    secret_token = "ya29.never-in-a-log-" + "x" * 20
    google.issue_next_token(secret_token)
    request = oauth.authorization_request()
    code = _consent(request.url)["code"]
    with caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        token = oauth.exchange(code, request.code_verifier)
        with SheetsClient(token.token, google.url, backoff_base_s=0) as sheets, pytest.raises(SheetNotFound):
            sheets.grid("no-such-spreadsheet", None)
    assert token.token.reveal() == secret_token
    out, err = capfd.readouterr()
    for text in (caplog.text, out, err):
        assert secret_token not in text
        assert code not in text
        assert CLIENT_SECRET not in text


# --- Sheets ------------------------------------------------------------------------------------


def _token(google: FakeGoogle) -> Pii[str]:
    value = "ya29.sheets-" + secrets.token_urlsafe(16)
    google.issue_next_token(value)
    config = OAuthClientConfig(
        CLIENT_ID, Pii(CLIENT_SECRET), f"{google.url}/o/oauth2/auth", f"{google.url}/token", REDIRECT
    )
    with pytest.MonkeyPatch.context() as env:  # restores what was there (the local stack sets it too)
        env.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
        oauth = GoogleOAuth(config)
        request = oauth.authorization_request()
        return oauth.exchange(_consent(request.url)["code"], request.code_verifier).token


@pytest.fixture(scope="module")
def token(google: FakeGoogle) -> Pii[str]:
    return _token(google)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def sheets(google: FakeGoogle, token: Pii[str], sleeps: list[float]) -> Iterator[SheetsClient]:
    google.load_sheet(
        "sheet-under-test",
        [["Name", "Phone", "", ""], ["A", Formatted(9812345678, "09812345678"), "", "x"], [], ["B", 5, None]],
        title="It's Leads",
        row_count=50,
        column_count=6,
    )
    with SheetsClient(token, google.url, max_attempts=4, backoff_base_s=0.5, sleep=sleeps.append) as client:
        yield client
    google.clear_faults()


def test_grid_reads_the_named_or_first_sheet_without_cells(sheets: SheetsClient, google: FakeGoogle) -> None:
    grid = sheets.grid("sheet-under-test", None)
    assert (grid.title, grid.row_count, grid.column_count) == ("It's Leads", 50, 6)
    with pytest.raises(SheetNotFound):
        sheets.grid("sheet-under-test", "Other tab")
    with pytest.raises(SheetNotFound):
        sheets.grid("no-such-sheet", None)


def test_values_come_formatted_or_raw_with_trailing_empties_dropped(sheets: SheetsClient) -> None:
    a1 = a1_range("It's Leads", 0, 3, 2, 9)
    assert a1 == "'It''s Leads'!A2:D9"
    assert sheets.values("sheet-under-test", a1, "FORMATTED_VALUE") == [["A", "09812345678", "", "x"], [], ["B", "5"]]
    assert sheets.values("sheet-under-test", a1, "UNFORMATTED_VALUE") == [["A", 9812345678, "", "x"], [], ["B", 5]]
    assert sheets.values("sheet-under-test", a1_range("It's Leads", 0, 3, 20, 30), "FORMATTED_VALUE") == []


@pytest.mark.parametrize("statuses", [[429], [503], [500, 502], [403]], ids=["429", "503", "5xx", "403 rate limit"])
def test_throttling_and_server_errors_are_retried_with_jittered_backoff(
    sheets: SheetsClient, google: FakeGoogle, sleeps: list[float], statuses: list[int]
) -> None:
    google.fail(statuses, kind="values")
    rows = sheets.values("sheet-under-test", a1_range("It's Leads", 0, 1, 1, 1), "FORMATTED_VALUE")
    assert rows == [["Name", "Phone"]]
    assert sheets.requests_made == len(statuses) + 1
    assert len(sleeps) == len(statuses)
    for attempt, delay in enumerate(sleeps):
        assert 0 <= delay <= 0.5 * 2**attempt  # full jitter under an exponential ceiling


def test_errors_that_persist_past_the_attempts_are_unavailability(
    sheets: SheetsClient, google: FakeGoogle, sleeps: list[float]
) -> None:
    google.fail([503] * 4, kind="metadata")
    with pytest.raises(SheetsUnavailable):
        sheets.grid("sheet-under-test", None)
    assert sheets.requests_made == 4
    assert len(sleeps) == 3


def test_a_revoked_token_is_authorization_expired_and_never_retried(google: FakeGoogle, sleeps: list[float]) -> None:
    token = _token(google)
    google.load_sheet("revoked-sheet", [["Name"]])
    with SheetsClient(token, google.url, sleep=sleeps.append) as client:
        client.grid("revoked-sheet", None)
        google.revoke(token.reveal())
        with pytest.raises(AuthorizationExpired):
            client.grid("revoked-sheet", None)
        assert client.requests_made == 2
    assert sleeps == []


def test_permission_denied_is_not_retried(sheets: SheetsClient, google: FakeGoogle, sleeps: list[float]) -> None:
    google.fail([403], kind="metadata", reason="forbidden")
    with pytest.raises(SheetAccessDenied):
        sheets.grid("sheet-under-test", None)
    assert sleeps == []


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


class _Scripted(BaseHTTPRequestHandler):
    """Answers GETs from a script of (status, headers, body) and records the headers it got."""

    script: ClassVar[list[tuple[int, dict[str, str], bytes]]] = []
    seen: ClassVar[list[dict[str, str]]] = []

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        status, headers, body = type(self).script.pop(0)
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:  # no URLs (spreadsheet ids) in test output
        pass


@pytest.fixture
def scripted() -> Iterator[tuple[str, type[_Scripted]]]:
    handler = type("Handler", (_Scripted,), {"script": [], "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_retry_after_is_honoured_and_gzip_bodies_are_read(
    scripted: tuple[str, type[_Scripted]], sleeps: list[float]
) -> None:
    url, handler = scripted
    values = gzip.compress(json.dumps({"values": [["Name"], ["A"]]}).encode())
    handler.script = [
        (429, {"Retry-After": "7", "Content-Type": "application/json"}, b"{}"),
        (200, {"Content-Type": "application/json", "Content-Encoding": "gzip"}, values),
    ]
    with SheetsClient(Pii("token-value"), url, sleep=sleeps.append) as client:
        assert client.values("sheet-id", a1_range("Leads", 0, 0, 1, 2), "FORMATTED_VALUE") == [["Name"], ["A"]]
    assert sleeps == [7.0]
    assert [seen["Authorization"] for seen in handler.seen] == ["Bearer token-value"] * 2
    assert all("gzip" in seen["Accept-Encoding"] for seen in handler.seen)


def test_a_truncated_body_is_retried(scripted: tuple[str, type[_Scripted]], sleeps: list[float]) -> None:
    url, handler = scripted
    handler.script = [
        (200, {"Content-Type": "application/json"}, b'{"values": [["Na'),
        (200, {"Content-Type": "application/json"}, b'{"values": [["Name"]]}'),
    ]
    with SheetsClient(Pii("token-value"), url, backoff_base_s=0, sleep=sleeps.append) as client:
        assert client.values("sheet-id", a1_range("Leads", 0, 0, 1, 1), "FORMATTED_VALUE") == [["Name"]]
    assert client.requests_made == 2


def test_connection_failures_are_retried_then_unavailability(sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = SheetsClient(Pii("token-value"), f"http://127.0.0.1:{closed_port}", max_attempts=3, sleep=sleeps.append)
    with client, pytest.raises(SheetsUnavailable):
        client.grid("sheet-id", None)
    assert client.requests_made == 3
    assert len(sleeps) == 2
