"""`make run`'s program starts the whole system, serves the API with its docs, and stops cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from local.testing import environment_for_another_stack
from tests.support import Api, create_user, new_lead_body

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[str], limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "the local stack exited during start-up"
        try:
            if requests.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("the local stack did not come up")


def test_python_m_local_serves_api_and_docs_then_stops_on_sigterm() -> None:
    port = _free_port()
    # The child sets up its own AWS (and Google), not inheriting the test stack's.
    env = environment_for_another_stack() | {"PORT": str(port), "HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        docs = requests.get(f"{base}/v1/docs", timeout=5)
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
        # The docs UI loads nothing from the internet (tests/e2e/test_docs_page_browser.py proves it).
        assert docs.headers["content-security-policy"].startswith("default-src 'self';")
        document = requests.get(f"{base}/v1/openapi.json", timeout=5).json()
        assert "/v1/leads" in document["paths"]
        assert requests.get(f"{base}/v1/leads", timeout=5).status_code == 401
        privacy_center = requests.get(f"{base}/privacy", timeout=5)
        assert privacy_center.status_code == 200
        assert privacy_center.headers["content-type"].startswith("text/html")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    print(output)  # captured, so the log-canary plugin reads the child's output too
    assert process.returncode == 0
    assert f"{base}/v1/docs" in output
    assert f"Privacy Center {base}/privacy " in output  # the banner names the page next to the docs
    assert "Google (fake)  http://127.0.0.1:" in output  # the fake Google runs with the stack
    assert "spreadsheet 'demo-leads-sheet'" in output  # and the banner says how to load a sheet
    assert "/_fake/spreadsheets" in output
    # The gateway's own lines reach the log, also once a function has been loaded (Powertools'
    # root-handler filter for the service "local" used to drop every "local_aws…" record).
    assert "local_aws.gateway GET /v1/health 200 " in output
    assert "local_aws.gateway GET /v1/leads 401 " in output
    assert "local_aws.gateway GET /v1/docs 200 " in output


def test_a_500_in_make_run_leaves_a_trace_without_personal_data() -> None:
    """The stack's own records (local_aws.*) and the functions' error records reach `make run`'s
    output when a request fails — here because moto lost every resource (reset) under a running
    stack — and neither carries the request's personal data."""
    port = _free_port()
    env = environment_for_another_stack() | {"PORT": str(port), "HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    base = f"http://127.0.0.1:{port}"
    lead = new_lead_body()
    try:
        _wait_until_up(base, process)
        user = create_user(Api(base))
        assert user.api.get("/v1/me").status_code == 200  # the authorizer has the signing keys
        moto_url = next(line.split()[-1] for line in lines if line.strip().startswith("moto (AWS)"))
        assert requests.post(f"{moto_url}/moto-api/reset", timeout=10).status_code == 200

        failed = user.api.post("/v1/leads", json=lead)  # the revocation check finds no table
        assert (failed.status_code, failed.json()) == (500, {"message": "Internal Server Error"})
        receipt = requests.get(f"{base}/v1/deletions/{uuid.uuid4()}", timeout=10)  # inside a route
        assert (receipt.status_code, receipt.json()["error"]["code"]) == (500, "internal_error")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(10)
    output = "".join(lines)
    print(output)  # captured: the log-canary plugin checks it for the user's and the lead's values
    assert "local_aws.gateway POST /v1/leads failed: ResourceNotFoundException" in output
    assert "local_aws.gateway POST /v1/leads 500 " in output
    assert "local_aws.gateway GET /v1/deletions/{deletion_id} 500 " in output
    assert '"message":"unhandled error"' in output  # the function's own record of its 500
    for value in (lead["name"], lead["phone"], lead["email"], user.name, user.email, user.phone):
        assert value not in output
