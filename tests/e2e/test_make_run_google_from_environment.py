"""`make run` with Google settings in its environment talks to that Google, not to its fake: the
consent URL, the token request (with the client secret, read from the local Secrets Manager) and
the Sheets calls all go where GOOGLE_* say, and the secret appears in no output."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from local.testing import environment_for_another_stack
from tests.importing import CONSENT_COOKIE, continue_to_google, sheet_id
from tests.plugins.log_canary import register_canary
from tests.support import Api, create_user

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "env-client-0001.apps.googleusercontent.com"
SCOPES = "https://www.googleapis.com/auth/spreadsheets.readonly https://www.googleapis.com/auth/drive.file"


class Recorded:
    """Every request that reached the stand-in Google: (method, path, headers, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], str]] = []
        self.sheets_called = threading.Event()


class _StandInGoogle(BaseHTTPRequestHandler):
    """Grants any code at /token; answers 404 to everything else (the Sheets API included)."""

    recorded: Recorded

    def _record(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.recorded.requests.append((self.command, self.path, dict(self.headers.items()), body))
        return body

    def do_POST(self) -> None:
        self._record()
        if self.path != "/token":
            return self._answer(404, {})
        token = {"access_token": "stand-in-token", "token_type": "Bearer", "expires_in": 3600, "scope": SCOPES}
        return self._answer(200, token)

    def do_GET(self) -> None:
        self._record()
        if self.path.startswith("/sheets/"):
            self.recorded.sheets_called.set()
        self._answer(404, {"error": {"code": 404, "status": "NOT_FOUND"}})

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        content = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def stand_in_google() -> Iterator[tuple[str, Recorded]]:
    recorded = Recorded()
    handler = type("_Bound", (_StandInGoogle,), {"recorded": recorded})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _banner_value(lines: list[str], label: str) -> str:
    return next(line.split()[-1] for line in lines if line.strip().startswith(label))


def _client_credentials(headers: dict[str, str], body: str) -> tuple[str, str]:
    """(client id, client secret) from HTTP Basic auth or the form, as OAuth clients send them."""
    authorization = headers.get("Authorization", "")
    if authorization.startswith("Basic "):
        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        return client_id, secret
    form = {key: values[-1] for key, values in parse_qs(body).items()}
    return form.get("client_id", ""), form.get("client_secret", "")


def test_make_run_uses_the_google_its_environment_names(stand_in_google: tuple[str, Recorded]) -> None:
    google, recorded = stand_in_google
    secret = register_canary(f"GOCSPX-{os.urandom(12).hex()}", "google client secret")
    port = _free_port()
    env = environment_for_another_stack() | {
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
        "GOOGLE_AUTH_URI": f"{google}/o/oauth2/auth",
        "GOOGLE_TOKEN_URI": f"{google}/token",
        "GOOGLE_SHEETS_URL": f"{google}/sheets",
        "GOOGLE_CLIENT_ID": CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": secret,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = ""
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not any(line.startswith("Ctrl-C") for line in lines):
            line = process.stdout.readline()
            assert line, f"exited early: {''.join(lines)}"
            lines.append(line)
        base = _banner_value(lines, "API base").removesuffix("/v1")
        moto = _banner_value(lines, "moto (AWS)")
        assert not any("Google (fake)" in line for line in lines)  # the fake is not even started

        user = create_user(Api(base))
        started = user.api.post("/v1/imports/google-sheets", json={"spreadsheet": sheet_id(), "on_duplicate": "skip"})
        assert started.status_code == 201, started.text
        # Our consent page first; its Continue leads to GOOGLE_AUTH_URI.
        google_url, cookie = continue_to_google(started.json()["authorization_url"])
        assert google_url.startswith(f"{google}/o/oauth2/auth?")
        params = {key: values[-1] for key, values in parse_qs(urlsplit(google_url).query).items()}
        assert params["client_id"] == CLIENT_ID
        state = register_canary(params["state"], "oauth state")

        # Google's redirect back to the callback: the code is spent at GOOGLE_TOKEN_URI.
        page = requests.get(
            f"{base}/v1/oauth/google/callback",
            params={"state": state, "code": "code-1"},
            headers={"Cookie": f"{CONSENT_COOKIE}={cookie}"},
            timeout=30,
        )
        assert page.status_code == 200, page.status_code
        token_requests = [r for r in recorded.requests if r[:2] == ("POST", "/token")]
        assert len(token_requests) == 1
        assert _client_credentials(token_requests[0][2], token_requests[0][3]) == (CLIENT_ID, secret)
        # The workflow reads the sheet at GOOGLE_SHEETS_URL.
        assert recorded.sheets_called.wait(60), [r[:2] for r in recorded.requests]

        stored = boto3.client(
            "secretsmanager",
            endpoint_url=moto,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        ).get_secret_value(SecretId="crm-google-oauth-client-secret")
        assert stored["SecretString"] == secret
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
        output = "".join(lines) + output
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    print(output)  # captured, so the log-canary plugin reads the child's output too
    assert process.returncode == 0
    assert secret not in output
