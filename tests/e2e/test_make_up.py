"""`make up` returns only once the API answers, with the stack's output in its log file rather
than the terminal; `make down` stops it and frees the port. The README's quick start relies on both."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests

from local.testing import environment_for_another_stack

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("make") is None, reason="no make"),
]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _make(target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_make_up_returns_when_ready_and_make_down_stops_it(tmp_path: Path) -> None:
    port = _free_port()
    log, pid_file = tmp_path / "run.log", tmp_path / "run.pid"
    # The child sets up its own AWS (and Google), not inheriting the test stack's.
    env = environment_for_another_stack() | {"PORT": str(port), "RUN_LOG": str(log), "RUN_PID": str(pid_file)}
    for name in ("MAKEFLAGS", "MAKELEVEL"):
        env.pop(name, None)  # make runs as from a shell
    up = _make("up", env)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        pid = int(pid_file.read_text())
        # Ready means ready: one request, no retry.
        assert requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=5).json() == {"status": "ok"}
        assert f"http://127.0.0.1:{port}/v1" in up.stdout
        assert "Local stack ready" not in up.stdout + up.stderr  # the stack's output is in the log…
        assert "Local stack ready" in log.read_text()  # …here

        again = _make("up", env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert f"already running (pid {pid}" in again.stdout
    finally:
        down = _make("down", env)
    assert down.returncode == 0, down.stdout + down.stderr
    assert not _alive(pid)
    assert not pid_file.exists()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT, not a listener
        probe.bind(("127.0.0.1", port))  # freed
