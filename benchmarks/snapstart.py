"""SnapStart, measured locally: a function's first request in a fresh process, and in a copy
restored from a snapshot, primed and not.

For each API function, one authenticated request (``PROBES``) goes to a local stack (moto over
loopback, so the request's AWS calls are real HTTP calls). Three ways to start, interleaved round
after round:

- **fresh**: a new interpreter imports the module (init) and serves the request — a cold start
  without SnapStart: import + init, then the first request;
- **restored**: a process that imported the module forks a copy for each round
  (``local/snapstart.py``: the closest local stand-in for a restore), which runs the
  after-restore hooks and serves the request;
- **restored, primed**: the same, but the process ran the before-snapshot hooks (priming,
  shared/core/priming.py) before forking.

Each figure is the median of the rounds; the second request of each run is the warm figure. Also
counted: the modules the first request imported (work priming could not see). What a fork does
not show: a Lambda restore faults the snapshot's memory in from a cache, and its own restore
duration is not ours to measure here.

``python -m benchmarks.snapstart [--runs N] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.cold_start import machine
from local.payload_v2 import build_event
from local.stack import LocalStack
from local.testing import create_user
from shared import resources
from shared.resources import API_FUNCTIONS, FunctionSpec, RouteSpec

ROOT = Path(__file__).resolve().parent.parent
# One request per function: (route, concrete path, query). Reads that need no data set up first;
# a 404 is a first request as real as a 200 (the revocation check, the read, the error answer).
NO_SUCH_LEAD = "01JD0000000000000000000000"
PROBES: dict[str, tuple[str, str, str]] = {
    "accounts": ("GET /v1/me", "/v1/me", ""),
    "leads": ("GET /v1/leads", "/v1/leads", "limit=10"),
    "health": ("GET /v1/health", "/v1/health", ""),
    "activities": ("GET /v1/leads/{lead_id}/activities", f"/v1/leads/{NO_SUCH_LEAD}/activities", ""),
    "files": ("GET /v1/leads/{lead_id}/files", f"/v1/leads/{NO_SUCH_LEAD}/files", ""),
    "preferences": ("GET /v1/me/preferences", "/v1/me/preferences", ""),
    "export": ("GET /v1/me/export", "/v1/me/export", ""),
    "sync": ("GET /v1/sync", "/v1/sync", ""),
    "imports": ("GET /v1/imports", "/v1/imports", ""),
    "google_oauth": ("GET /v1/oauth/google/callback", "/v1/oauth/google/callback", "state=unknown&code=unknown"),
}

# Runs in the child. argv: module, mode (fresh | snapshot | primed-snapshot), event JSON. A fresh
# child prints one result; a snapshot child prints one result per line it reads on stdin.
CHILD = """
import importlib, json, sys, time
module, mode, event = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
MARK = "SNAPSTART-BENCHMARK "  # the function's own log lines go to stdout too

class Context:
    function_name = "snapstart-benchmark"
    function_version = "1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:snapstart-benchmark:live"
    memory_limit_in_mb = 512
    aws_request_id = "snapstart-benchmark"
    def get_remaining_time_in_millis(self):
        return 10_000

def requests(handler):
    before = set(sys.modules)
    started = time.perf_counter()
    first = handler(event, Context())
    first_s = time.perf_counter() - started
    lazy = len(set(sys.modules) - before)
    started = time.perf_counter()
    handler(event, Context())
    warm_s = time.perf_counter() - started
    return {"status": first["statusCode"], "first_s": first_s, "warm_s": warm_s, "lazy_modules": lazy}

started = time.perf_counter()
handler = importlib.import_module(module).handler
init_s = time.perf_counter() - started
if mode == "fresh":
    print(MARK + json.dumps({"init_s": init_s, **requests(handler)}), flush=True)
    sys.exit(0)

from local.snapstart import in_restored_copy, run_after_restore_hooks, run_before_snapshot_hooks
prime_s = 0.0
if mode == "primed-snapshot":
    started = time.perf_counter()
    run_before_snapshot_hooks()
    prime_s = time.perf_counter() - started

def restored():
    started = time.perf_counter()
    run_after_restore_hooks()
    return {"restore_hooks_s": time.perf_counter() - started, "prime_s": prime_s, **requests(handler)}

for _ in sys.stdin:
    print(MARK + json.dumps(in_restored_copy(restored, restore_hooks=False)), flush=True)
"""

MODES = ("fresh", "snapshot", "primed-snapshot")
MARK = "SNAPSTART-BENCHMARK "


def child_environment(spec: FunctionSpec) -> dict[str, str]:
    """The local stack's environment (this process's, set by LocalStack) as a function has it."""
    env = dict(os.environ)
    env.update(resources.RUNTIME_ENVIRONMENT)
    env["POWERTOOLS_SERVICE_NAME"] = spec.name
    env["AWS_LAMBDA_FUNCTION_NAME"] = spec.name
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as deployed: bytecode (written by a warm-up run)
    return env


def probe_event(spec: FunctionSpec, user_sub: str) -> dict[str, Any]:
    route_key, path, query = PROBES[spec.name]
    route = next(r for r in spec.routes if r.route_key == route_key)
    return build_event(
        method=route.method,
        raw_path=path,
        raw_query=query,
        headers=[("host", "127.0.0.1")],
        body=b"",
        source_ip="127.0.0.1",
        route=route,
        path_parameters=_path_parameters(route, path),
        claims=None if route.public else {"sub": user_sub, "username": user_sub, "token_use": "access"},
        request_id=str(uuid.uuid4()),
    )


def _path_parameters(route: RouteSpec, path: str) -> dict[str, str]:
    names = [part[1:-1] for part in route.path.split("/") if part.startswith("{")]
    values = [value for part, value in zip(route.path.split("/"), path.split("/"), strict=True) if part.startswith("{")]
    return dict(zip(names, values, strict=True))


class SnapshotProcess:
    """A child that imported the module (and primed it, for ``primed-snapshot``): each
    :meth:`restore` is one restored copy serving the probe request."""

    def __init__(self, spec: FunctionSpec, mode: str, event: dict[str, Any]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our code
            [sys.executable, "-c", CHILD, spec.module, mode, json.dumps(event)],
            cwd=ROOT,
            env=child_environment(spec),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def restore(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("restore\n")
        self.process.stdin.flush()
        while line := self.process.stdout.readline():
            if line.startswith(MARK):
                result: dict[str, Any] = json.loads(line.removeprefix(MARK))
                return result
        raise RuntimeError("snapshot process ended")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def fresh(spec: FunctionSpec, event: dict[str, Any]) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", CHILD, spec.module, "fresh", json.dumps(event)],
        cwd=ROOT,
        env=child_environment(spec),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{spec.name}: {(result.stderr.strip().splitlines() or ['no output'])[-1]}")
    (line,) = (line for line in result.stdout.splitlines() if line.startswith(MARK))
    data: dict[str, Any] = json.loads(line.removeprefix(MARK))
    return data


@dataclass(frozen=True)
class Row:
    name: str
    route: str
    status: int
    fresh_init_ms: float
    fresh_first_ms: float
    restored_first_ms: float
    primed_first_ms: float
    restore_hooks_ms: float
    prime_ms: float
    warm_ms: float
    lazy_fresh: int
    lazy_primed: int

    @property
    def fresh_total_ms(self) -> float:
        return self.fresh_init_ms + self.fresh_first_ms

    @property
    def primed_total_ms(self) -> float:
        return self.restore_hooks_ms + self.primed_first_ms


def measure(spec: FunctionSpec, event: dict[str, Any], runs: int) -> Row:
    fresh(spec, event)  # warm-up: bytecode caches written, nothing recorded
    snapshots = {mode: SnapshotProcess(spec, mode, event) for mode in MODES[1:]}
    samples: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    try:
        for mode in MODES[1:]:
            snapshots[mode].restore()  # warm-up
        for _ in range(runs):
            samples["fresh"].append(fresh(spec, event))
            for mode in MODES[1:]:
                samples[mode].append(snapshots[mode].restore())
    finally:
        for snapshot in snapshots.values():
            snapshot.close()
    statuses = {s["status"] for taken in samples.values() for s in taken}
    if len(statuses) != 1 or next(iter(statuses)) >= 500:
        raise RuntimeError(f"{spec.name}: unexpected statuses {sorted(statuses)}")

    def ms(mode: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[mode]) * 1000

    return Row(
        name=spec.name,
        route=PROBES[spec.name][0],
        status=next(iter(statuses)),
        fresh_init_ms=ms("fresh", "init_s"),
        fresh_first_ms=ms("fresh", "first_s"),
        restored_first_ms=ms("snapshot", "first_s"),
        primed_first_ms=ms("primed-snapshot", "first_s"),
        restore_hooks_ms=ms("primed-snapshot", "restore_hooks_s"),
        prime_ms=ms("primed-snapshot", "prime_s"),
        warm_ms=statistics.median(s["warm_s"] for mode in MODES for s in samples[mode]) * 1000,
        lazy_fresh=round(statistics.median(s["lazy_modules"] for s in samples["fresh"])),
        lazy_primed=round(statistics.median(s["lazy_modules"] for s in samples["primed-snapshot"])),
    )


def table(rows: list[Row], runs: int) -> str:
    lines = [
        f"First request, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; median of {runs} interleaved runs each",
        "",
        "| function | request (status) | fresh: import + init ms | fresh: first request ms "
        "| restored: first request ms | restored, primed: after-restore hooks + first request ms "
        "| priming ms (before the snapshot) "
        "| warm request ms | modules the first request imported: fresh / primed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | `{r.route}` ({r.status}) | {r.fresh_init_ms:.0f} | {r.fresh_first_ms:.0f} | "
            f"{r.restored_first_ms:.0f} | {r.restore_hooks_ms:.1f} + {r.primed_first_ms:.0f} | {r.prime_ms:.0f} | "
            f"{r.warm_ms:.1f} | {r.lazy_fresh} / {r.lazy_primed} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per function and mode (median)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    parser.add_argument("--only", nargs="*", help="function names (default: every API function)")
    args = parser.parse_args(argv)
    specs = [spec for spec in API_FUNCTIONS if not args.only or spec.name in args.only]
    with LocalStack() as stack:
        user = create_user(stack)
        rows = [measure(spec, probe_event(spec, user.sub), args.runs) for spec in specs]
    if args.json:
        print(json.dumps([{**r.__dict__} for r in rows]))
    else:
        print(table(rows, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
