"""Cold-start budgets: import + init time and peak RSS of every Lambda module, in fresh interpreters.

Each function's module (``FunctionSpec.module``) is imported by a new Python process, which is
what a Lambda cold start does after the runtime is up; module-level init (routers, resolvers,
settings) runs as part of the import. The baseline is a process importing just ``boto3``,
``aws_lambda_powertools`` and ``pydantic``. Targets are interleaved round by round, so drift of
the machine hits all of them alike, and each figure is the median of the rounds. One unmeasured
warm-up round first writes the bytecode caches.

Not included: boto3 clients (created on the first request), and the interpreter's own start.

Goals (issue 6): API handlers ≤ 1.15x the baseline and never import a ``google`` module; the
Google Sheets import function ≤ 1.5x. This script measures; it changes nothing to meet them.

``python -m benchmarks.cold_start [--runs N] [--json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from shared import resources
from shared.resources import FUNCTIONS, FunctionSpec

ROOT = Path(__file__).resolve().parent.parent
BASELINE_MODULES = ("boto3", "aws_lambda_powertools", "pydantic")
API_GOAL = 1.15
SHEETS_IMPORT_GOAL = 1.5

# Runs in the child: import, then report time, peak RSS and any google module that came along.
PROBE = """
import importlib, json, resource, sys, time
started = time.perf_counter()
for name in sys.argv[1:]:
    importlib.import_module(name)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "google": sorted(m for m in sys.modules if m == "google" or m.startswith("google.")),
}))
"""


def probe_env() -> dict[str, str]:
    """A Lambda-like environment with dummy AWS settings: module init must not fail or reach AWS.

    Built from scratch, so a developer's AWS profile or endpoint cannot leak into the figures.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "cold-start-benchmark",
        "AWS_SECRET_ACCESS_KEY": "cold-start-benchmark",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_LAMBDA_FUNCTION_NAME": "cold-start-benchmark",
        "POWERTOOLS_SERVICE_NAME": "cold-start-benchmark",
        "POWERTOOLS_METRICS_NAMESPACE": resources.METRICS_NAMESPACE,
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    for name in dir(resources):
        if name.startswith("ENV_"):
            env[getattr(resources, name)] = f"dummy-{name.lower()}"
    env[resources.ENV_DEFAULT_PHONE_REGION] = "IN"
    env[resources.ENV_TABLE_ARN] = "arn:aws:dynamodb:us-east-1:000000000000:table/dummy"
    env[resources.ENV_DATA_KEY_ARN] = "arn:aws:kms:us-east-1:000000000000:key/dummy"
    env[resources.ENV_ERASURE_STATE_MACHINE_ARN] = "arn:aws:states:us-east-1:000000000000:stateMachine:dummy"
    return env


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_kib: int
    google: tuple[str, ...]


def probe(*modules: str, env: dict[str, str] | None = None) -> Sample:
    """Import ``modules`` in a fresh interpreter; fails loudly if the import fails."""
    result = subprocess.run(  # noqa: S603 - our interpreter, our module names
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        env=env if env is not None else probe_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"importing {', '.join(modules)} failed: {last}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return Sample(float(data["seconds"]), int(data["rss_kib"]), tuple(data["google"]))


def is_sheets_import(spec: FunctionSpec) -> bool:
    """The Sheets import's functions — its API, the OAuth callback and the workflow steps — have
    their own, looser goal, and may load Google's libraries."""
    return any(need in spec.needs for need in ("google_client", "import_key")) or spec.name.startswith("import_")


def goal(spec: FunctionSpec) -> float | None:
    if is_sheets_import(spec):
        return SHEETS_IMPORT_GOAL
    if spec.routes:
        return API_GOAL
    return None  # scheduled jobs and workflow tasks: measured, no budget set


@dataclass(frozen=True)
class Row:
    name: str
    module: str
    kind: str
    ms: float
    rss_mib: float
    time_ratio: float
    rss_ratio: float
    google: bool
    goal: float | None

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return "—"
        ok = self.time_ratio <= self.goal and not (self.kind == "api" and self.google)
        return "meets" if ok else "misses"


def measure(specs: tuple[FunctionSpec, ...], runs: int) -> tuple[float, float, list[Row]]:
    env = probe_env()
    targets: list[tuple[str, ...]] = [BASELINE_MODULES, *((spec.module,) for spec in specs)]
    for target in targets:  # warm-up: bytecode caches written, nothing recorded
        probe(*target, env=env)
    samples: dict[tuple[str, ...], list[Sample]] = {target: [] for target in targets}
    for _ in range(runs):
        for target in targets:
            samples[target].append(probe(*target, env=env))

    def medians(target: tuple[str, ...]) -> tuple[float, float]:
        taken = samples[target]
        return statistics.median(s.seconds for s in taken) * 1000, statistics.median(s.rss_kib for s in taken) / 1024

    base_ms, base_mib = medians(BASELINE_MODULES)
    rows = []
    for spec in specs:
        ms, mib = medians((spec.module,))
        kind = "sheets import" if is_sheets_import(spec) else ("api" if spec.routes else "job")
        rows.append(
            Row(
                name=spec.name,
                module=spec.module,
                kind=kind,
                ms=ms,
                rss_mib=mib,
                time_ratio=ms / base_ms,
                rss_ratio=mib / base_mib,
                google=any(s.google for s in samples[(spec.module,)]),
                goal=goal(spec),
            )
        )
    return base_ms, base_mib, rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{load}"
    )


def table(base_ms: float, base_mib: float, rows: list[Row], runs: int) -> str:
    lines = [
        f"Cold start, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; median of {runs} runs each",
        "",
        "| function | module | kind | import + init ms | x baseline | peak RSS MiB | x baseline "
        "| imports google | goal | verdict |",
        "|---|---|---|---:|---:|---:|---:|---|---|---|",
        f"| *baseline* | `{' + '.join(BASELINE_MODULES)}` | — | {base_ms:.0f} | 1.00 | {base_mib:.1f} | 1.00 "
        "| — | — | — |",
    ]
    for row in rows:
        goal_text = "—" if row.goal is None else f"≤ {row.goal:.2f}x" + (", no google" if row.kind == "api" else "")
        lines.append(
            f"| {row.name} | `{row.module}` | {row.kind} | {row.ms:.0f} | {row.time_ratio:.2f} | "
            f"{row.rss_mib:.1f} | {row.rss_ratio:.2f} | {'yes' if row.google else 'no'} | {goal_text} | {row.verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per module (median; at least 7)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args(argv)
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    base_ms, base_mib, rows = measure(FUNCTIONS, args.runs)
    if args.json:
        print(json.dumps({"baseline_ms": base_ms, "baseline_rss_mib": base_mib, "rows": [r.__dict__ for r in rows]}))
    else:
        print(table(base_ms, base_mib, rows, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
