"""`make run`'s program starts the whole system, serves the API with its docs, and stops cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from local.testing import environment_for_another_stack

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
