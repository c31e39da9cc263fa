"""``python -m local.wait URL``: return once ``URL`` answers 200 — `make up`'s readiness check.

On a first run the stack is minutes away (the venv is built first), so scripts and the README's
quick start wait here instead of meeting refused connections. It gives up early, with the last
lines of the stack's log, when the process given by ``--pid`` exits (a taken port, incomplete
Google settings), and cleanly after ``--timeout`` seconds otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_TIMEOUT_S = 120.0
PROBE_INTERVAL_S = 0.2
LOG_TAIL_LINES = 20


class NotReady(Exception):
    """The URL did not answer in time, or the process that should serve it has exited."""


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local URL we were given
            return bool(response.status == 200)
    except (OSError, ValueError, http.client.HTTPException):  # refused, reset, non-2xx, not HTTP
        return False


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (it must not be the caller's own child: a zombie would count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_until_ready(
    url: str,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    pid: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Probe ``url`` every ``PROBE_INTERVAL_S`` until it answers; ``NotReady`` otherwise."""
    deadline = clock() + timeout_s
    while not answers(url):
        if pid is not None and not alive(pid):
            raise NotReady(f"the stack (pid {pid}) exited before {url} answered")
        if clock() >= deadline:
            raise NotReady(f"{url} did not answer within {timeout_s:g}s")
        sleep(PROBE_INTERVAL_S)


def _tail(log: Path | None) -> str:
    if log is None or not log.is_file():
        return ""
    lines = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
    return "".join(f"  {line}\n" for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.wait", description=__doc__.splitlines()[0])
    parser.add_argument("url", help="e.g. http://127.0.0.1:8000/v1/health")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds (default %(default)g)")
    parser.add_argument("--pid", type=int, help="stop waiting if this process exits")
    parser.add_argument("--log", type=Path, help="the stack's log: its last lines are shown on failure")
    args = parser.parse_args(argv)
    try:
        wait_until_ready(args.url, timeout_s=args.timeout, pid=args.pid)
    except NotReady as error:
        tail = _tail(args.log)
        print(f"Not ready: {error}", file=sys.stderr)
        if tail:
            print(f"Last lines of {args.log}:\n{tail}", end="", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
