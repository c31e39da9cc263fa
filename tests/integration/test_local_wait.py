"""`python -m local.wait` (behind `make up`) returns once the URL answers, stops waiting when the
stack's process is gone, and gives up cleanly at its timeout. Time is the test's, never the clock's."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from local._http import QuietHandler, StoppableServer
from local.wait import PROBE_INTERVAL_S, NotReady, answers, main, wait_until_ready


class _Health(QuietHandler):
    def do_GET(self) -> None:
        self.send(200, [("content-type", "application/json")], b'{"status":"ok"}')


@pytest.fixture
def port() -> int:
    """A port nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StepClock:
    """A clock that moves only when the waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps = 0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.now += seconds


def test_waits_for_a_server_that_starts_late(port: int) -> None:
    url = f"http://127.0.0.1:{port}/v1/health"
    clock = StepClock()
    servers: list[StoppableServer] = []

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.sleeps == 3:  # the server comes up during the third pause
            servers.append(StoppableServer("127.0.0.1", port, _Health))
            servers[0].start("late-health")

    assert not answers(url)
    try:
        wait_until_ready(url, timeout_s=60, clock=clock, sleep=sleep)
        assert clock.sleeps == 3
        assert answers(url)
    finally:
        for server in servers:
            server.stop()


def test_gives_up_at_the_timeout(port: int) -> None:
    clock = StepClock()
    with pytest.raises(NotReady, match=rf"127\.0\.0\.1:{port}/v1/health did not answer within 2s"):
        wait_until_ready(f"http://127.0.0.1:{port}/v1/health", timeout_s=2, clock=clock, sleep=clock.sleep)
    assert 2 <= clock.now <= 2 + PROBE_INTERVAL_S  # not before the timeout, and within one probe of it


def test_stops_waiting_when_the_stack_process_has_exited(
    port: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # reaped: its pid names no process
    log = tmp_path / "run.log"
    log.write_text("Local stack starting\nCould not start on 127.0.0.1: Address already in use\n")
    url = f"http://127.0.0.1:{port}/v1/health"

    status = main([url, "--pid", str(gone.pid), "--log", str(log), "--timeout", "3600"])

    assert status == 1
    err = capsys.readouterr().err
    assert f"Not ready: the stack (pid {gone.pid}) exited before {url} answered" in err
    assert "  Could not start on 127.0.0.1: Address already in use" in err  # the log's tail, indented
    assert "Traceback" not in err
