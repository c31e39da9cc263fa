"""``make bench-sheets``: the Google Sheets import against a raw BatchWriteItem loop, up to Google's
largest sheet (1,000,000 rows x 10 columns), at 0 ms and 5 ms per DynamoDB call.

Runs the real workflow steps in-process (prepare, then one chunk per block, then finalize — what
Step Functions would invoke), the real Sheets client over HTTP against the fake Google, and the
real lead repository as the workflow wires it (the import's boto3 client without parameter
validation, 8 writes in flight) against a DynamoDB stand-in; the fake and the stand-in each run
in their own process. Each size and latency runs in a fresh process, so the peak RSS growth it
reports is the import's own. The speed comparison runs unpaced; the pace the workflow keeps
(``IMPORT_WRITE_UNITS_PER_SECOND``) is reported apart: computed for every size, measured once.

Prints the figures and rewrites its own section of docs/benchmarks.md (``--no-doc``: print only).
Figures, not assertions: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from benchmarks.doc_section import replace_section
from shared import resources as r

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
MARKER = "<!-- figures: written by `make bench` -->"
SIZES = (10_000, 100_000, 1_000_000)
LATENCIES_MS = (0.0, 5.0)
PACED_ROWS = 10_000  # the one size the paced import is measured at (the others are computed)
COLUMNS = 10
UNPROCESSED_EVERY = 50  # the stand-in leaves 5 items of every 50th batch unprocessed
TOKEN = "ya29.benchmark-token"  # a fake token for the fake Google
TABLE = "bench-table"
# DynamoDB's write capacity per partition key; every item of one user shares one.
PARTITION_WRITE_UNITS_PER_S = 1000
ITEMS_PER_LEAD = 3  # the lead, its phone's and its email's contact items
STANDARD_HISTORY_LIMIT = 25_000  # events in a Standard workflow's execution history
RSS_GOAL_MIB = 16
SPEED_GOALS = {0.0: 0.35, 5.0: 0.8}  # import ÷ raw loop, by latency per call


# --- helpers ------------------------------------------------------------------------------------


@contextmanager
def serving(module: str, *args: str) -> Iterator[str]:
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", module, "--port", "0", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://"), url
        yield url
    finally:
        process.terminate()
        process.wait(10)


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def history_events(chunks: int) -> int:
    """Events of a successful run's Step Functions history with ``chunks`` chunks and no retries,
    counted from the workflow's ASL: the path is Prepare, then (Choice, Task) per chunk, then the
    last Choice and Finalize."""
    from shared.imports.workflow import STEP_FUNCTIONS, definition

    states = definition({spec.name: f"arn:{spec.name}" for spec in STEP_FUNCTIONS})["States"]
    per_state = {"Task": 5, "Choice": 2}  # Entered, Scheduled, Started, Succeeded, Exited; Entered, Exited
    path = ["Prepare", *(["MoreRows", "ImportChunk"] * chunks), "MoreRows", "Finalize"]
    return 2 + sum(per_state[states[name]["Type"]] for name in path)  # + ExecutionStarted, ExecutionSucceeded


def retry_events() -> int:
    """Events one retried Task attempt adds: TaskScheduled, TaskStarted, TaskFailed."""
    return 3


# --- one measurement, in a fresh process --------------------------------------------------------


def measure(rows: int, latency_ms: float, paced: bool, raw: bool) -> dict[str, Any]:
    started = time.perf_counter()
    from shared.core import aws
    from shared.core.clock import utcnow
    from shared.core.pacing import Pace
    from shared.imports import steps
    from shared.imports.google.sheets import SheetsClient, a1_range
    from shared.imports.repository import ImportJob, SealedToken
    from shared.imports.sealed import ImportAccess, SheetRequest
    from shared.imports.status import ImportStatus
    from shared.imports.step_wiring import WRITES_IN_FLIGHT
    from shared.leads.repository import DynamoLeadRepository
    from shared.privacy import Pii

    module_load_s = time.perf_counter() - started
    # The job store and the vault: the unit tests' fakes. Their real versions are tested against
    # moto in tests/integration; here they would only add noise.
    from tests.fakes.imports import FakeImportRepository
    from tests.fakes.vault import FakeVault

    block_rows = int(os.environ.get(r.ENV_IMPORT_BLOCK_ROWS) or r.IMPORT_WORKFLOW.rows_per_chunk)
    rate = r.IMPORT_WRITE_UNITS_PER_SECOND
    with (
        serving("local.fake_google") as google,
        serving("benchmarks.dynamodb_standin", "--latency-ms", str(latency_ms)) as standin,
    ):
        requests.post(
            f"{google}/_fake/spreadsheets/generate", json={"spreadsheet_id": "bench", "rows": rows}, timeout=10
        )
        requests.post(f"{google}/_fake/spreadsheets/generate", json={"spreadsheet_id": "warm", "rows": 300}, timeout=10)
        requests.post(f"{google}/_fake/tokens", json={"token": TOKEN}, timeout=10)
        # The import's own client, as the workflow's steps get it (shared/core/aws.py).
        os.environ.update(
            AWS_ENDPOINT_URL_DYNAMODB=standin,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
        )
        aws.reset_clients()
        bulk_client = aws.dynamodb_bulk()
        jobs, vault = FakeImportRepository(), FakeVault()

        def run_import(spreadsheet: str, pace: Pace | None) -> tuple[float, ImportJob, int]:
            deps = steps.WorkerDeps(
                jobs=jobs,
                leads=DynamoLeadRepository(bulk_client, TABLE, write_in_flight=WRITES_IN_FLIGHT, pace=pace),
                vault=vault,
                sheets=lambda token: SheetsClient(token, google, backoff_base_s=0.05),
                block_rows=block_rows,
                default_region="IN",
                clock=utcnow,
            )
            # The import id is minted when the user starts authorizing, some seconds before the
            # workflow starts; a minute earlier here.
            now = datetime.now(UTC)
            user, import_id = f"user-{ulid_at(now)}", ulid_at(now - timedelta(minutes=1))
            # As the OAuth callback leaves an import: running (lease and reference taken), with
            # its token sealed.
            jobs.create(user, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", now))
            begun = jobs.begin(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, now)
            assert begun == "begun", begun
            access = ImportAccess(Pii(TOKEN), SheetRequest(spreadsheet, None, 1, None))
            sealed = vault.seal(access.to_bytes(), user_id=user, import_id=import_id)
            jobs.put_token(user, import_id, SealedToken(sealed, int(now.timestamp()) + 3600))
            began = time.perf_counter()
            cursor = steps.prepare(deps, steps.StepInput(import_id=import_id))
            chunks = 0
            while cursor.next_row <= cursor.last_row:
                step = steps.ChunkInput(import_id=import_id, next_row=cursor.next_row, last_row=cursor.last_row)
                cursor = steps.import_chunk(deps, step)  # the ResultSelector keeps the cursor only
                chunks += 1
            steps.finalize(deps, steps.FinalizeInput(import_id=import_id, outcome="succeeded"))
            elapsed = time.perf_counter() - began
            job = jobs.get(user, import_id)
            assert job is not None
            return elapsed, job, chunks

        run_import("warm", None)  # code paths and libraries loaded, as in a warm container
        reset = {"unprocessed_every": UNPROCESSED_EVERY, "latency_ms": latency_ms, "forget": True}
        requests.post(f"{standin}/_standin/reset", json=reset, timeout=10)
        requests.post(f"{google}/_fake/stats/reset", json={}, timeout=10)
        gc.collect()
        rss_before = rss_bytes()
        cpu_before = time.process_time()
        import_s, job, chunks = run_import("bench", Pace(rate) if paced else None)
        import_cpu_s = time.process_time() - cpu_before
        rss_growth = max(0, peak_rss_bytes() - rss_before)
        sheets_stats = requests.get(f"{google}/_fake/stats", timeout=10).json()
        db_stats = requests.get(standin, timeout=10).json()

        raw_s, raw_cpu_s, raw_calls, raw_stats = 0.0, 0.0, 0, {}
        if raw:
            # The raw loop: the same rows (all ten cells each) as items, BatchWriteItem 25 at a
            # time, one call at a time, through a default boto3 client (parameter validation on),
            # with the same retries of unprocessed items. Reading the blocks is not timed.
            import boto3
            from botocore.config import Config

            raw_client = boto3.client(
                "dynamodb",
                endpoint_url=standin,
                config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=16),
            )
            requests.post(f"{standin}/_standin/reset", json=reset, timeout=10)
            with SheetsClient(Pii(TOKEN), google) as sheets:
                for first in range(2, rows + 2, block_rows):
                    last = min(first + block_rows - 1, rows + 1)
                    block = sheets.values("bench", a1_range("Leads", 0, COLUMNS - 1, first, last), "FORMATTED_VALUE")
                    items = [
                        {
                            "pk": {"S": "RAW#bench"},
                            "sk": {"S": f"ROW#{first + i:07d}"},
                            **{f"c{j}": {"S": str(cell)} for j, cell in enumerate(row) if cell != ""},
                        }
                        for i, row in enumerate(block)
                    ]
                    del block
                    began, cpu_began = time.perf_counter(), time.process_time()
                    for start in range(0, len(items), 25):
                        pending = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                        attempt = 0
                        while pending:
                            response = raw_client.batch_write_item(RequestItems={TABLE: pending})
                            raw_calls += 1
                            pending = response.get("UnprocessedItems", {}).get(TABLE, [])
                            attempt += 1
                            if pending:
                                time.sleep(0.05 * 2**attempt / 2)
                    raw_s += time.perf_counter() - began
                    raw_cpu_s += time.process_time() - cpu_began
            raw_stats = requests.get(standin, timeout=10).json()

    leads = job.leads_created
    items_written = db_stats.get("items_received", 0) - db_stats.get("items_left_unprocessed", 0)
    return {
        "rows": rows,
        "latency_ms": latency_ms,
        "paced": paced,
        "pace_units_per_s": rate if paced else None,
        "columns": COLUMNS,
        "block_rows": block_rows,
        "chunks": chunks,
        "status": job.status,
        "leads_created": leads,
        "rows_skipped": job.rows_skipped,
        "sheets_metadata_requests": sheets_stats.get("metadata", 0),
        "sheets_values_requests": sheets_stats.get("values", 0),
        "expected_block_requests": math.ceil(rows / block_rows),
        "contact_keys": db_stats.get("BatchGetItem_keys", 0),
        "batch_get_calls": db_stats.get("BatchGetItem", 0),
        "batch_get_consistent": db_stats.get("BatchGetItem_consistent", 0),
        "batch_write_calls": db_stats.get("BatchWriteItem", 0),
        "batches_left_unprocessed": db_stats.get("batches_left_unprocessed", 0),
        "items_written": items_written,
        "max_item_bytes": db_stats.get("max_item_bytes", 0),
        "query_calls": db_stats.get("Query", 0),
        "get_item_calls": db_stats.get("GetItem", 0),
        "transact_calls": db_stats.get("TransactWriteItems", 0),
        "items_stored": db_stats.get("items_stored", 0),
        "import_seconds": round(import_s, 2),
        "import_cpu_seconds": round(import_cpu_s, 2),
        "import_rows_per_s": round(rows / import_s),
        "measured_units_per_s": round(items_written / import_s),
        "raw_seconds": round(raw_s, 2) if raw else None,
        "raw_cpu_seconds": round(raw_cpu_s, 2) if raw else None,
        "raw_calls": raw_calls if raw else None,
        "raw_rows_per_s": round(rows / raw_s) if raw else None,
        "raw_items_stored": raw_stats.get("items_stored", 0) if raw else None,
        "ratio": round(raw_s / import_s, 3) if raw else None,
        "rss_growth_mib": round(rss_growth / 2**20, 1),
        "module_load_s": round(module_load_s, 2),
        "load_average": load_average(),
    }


def ulid_at(moment: datetime) -> str:
    from ulid import ULID

    return str(ULID.from_datetime(moment))


# --- report -------------------------------------------------------------------------------------


def _expected(r_: dict[str, Any]) -> tuple[int, int]:
    """⌈contact keys/100⌉ BatchGetItem per block summed, and ⌈items/25⌉ BatchWriteItem."""
    gets = math.ceil(r_["contact_keys"] / 100)  # a lower bound: each block rounds up on its own
    writes = math.ceil(r_["items_written"] / 25)
    return gets, writes


def _speed_table(results: list[dict[str, Any]]) -> str:
    def goal(r_: dict[str, Any]) -> str:
        wanted = SPEED_GOALS.get(r_["latency_ms"])
        if r_["ratio"] is None or wanted is None:
            return "—"
        return f"{r_['ratio']} (goal ≥ {wanted}: {'met' if r_['ratio'] >= wanted else '**missed**'})"

    def cpu_ratio(r_: dict[str, Any]) -> str:
        if not r_.get("raw_cpu_seconds"):
            return "—"
        return f"{r_['raw_cpu_seconds'] / r_['import_cpu_seconds']:.3f}"

    def rss(r_: dict[str, Any]) -> str:
        verdict = "met" if r_["rss_growth_mib"] <= RSS_GOAL_MIB else "**missed**"
        return f"{r_['rss_growth_mib']} MiB ({verdict})"

    def gets(r_: dict[str, Any]) -> str:
        expected, _ = _expected(r_)
        return (
            f"{r_['batch_get_calls']:,} for {r_['contact_keys']:,} keys "
            f"(⌈keys/100⌉ = {expected:,}; {r_['batch_get_consistent']:,} consistent)"
        )

    def writes(r_: dict[str, Any]) -> str:
        _, expected = _expected(r_)
        retries = r_["batch_write_calls"] - expected
        return (
            f"{r_['batch_write_calls']:,} = {expected:,} + {retries} retries "
            f"({r_['batches_left_unprocessed']} batches left partly unprocessed)"
        )

    rows = [
        ("rows x columns, ms per call", lambda r_: f"{r_['rows']:,} x {r_['columns']}, {r_['latency_ms']:g} ms"),
        ("status, leads created", lambda r_: f"{r_['status']}, {r_['leads_created']:,}"),
        ("chunks (block rows)", lambda r_: f"{r_['chunks']:,} ({r_['block_rows']:,})"),
        (
            "Sheets requests: metadata + header + blocks (expected blocks)",
            lambda r_: (
                f"{r_['sheets_metadata_requests']} + 1 + {r_['sheets_values_requests'] - 1:,} "
                f"({r_['expected_block_requests']:,})"
            ),
        ),
        ("BatchGetItem calls", gets),
        ("BatchWriteItem calls = ⌈items/25⌉ + retries", writes),
        ("items written (largest, bytes)", lambda r_: f"{r_['items_written']:,} ({r_['max_item_bytes']} B)"),
        (
            "Query calls (per row); GetItem; TransactWriteItems",
            lambda r_: (
                f"{r_['query_calls']} ({r_['query_calls'] / r_['rows']:.4f}); {r_['get_item_calls']}; "
                f"{r_['transact_calls']}"
            ),
        ),
        (
            "import: seconds (CPU s), rows/s",
            lambda r_: f"{r_['import_seconds']} s ({r_['import_cpu_seconds']}), {r_['import_rows_per_s']:,}/s",
        ),
        (
            "raw BatchWriteItem loop: seconds (CPU s), rows/s",
            lambda r_: (
                f"{r_['raw_seconds']} s ({r_.get('raw_cpu_seconds', '?')}), {r_['raw_rows_per_s']:,}/s"
                if r_["raw_seconds"]
                else "not run"
            ),
        ),
        ("import ÷ raw loop, rows/s", goal),
        ("the same by CPU seconds (less sensitive to the load)", cpu_ratio),
        (f"peak RSS growth during the import (goal ≤ {RSS_GOAL_MIB} MiB)", rss),
        ("load average (1, 5, 15 min) after the run", lambda r_: r_["load_average"]),
    ]
    lines = ["| | " + " | ".join(f"{r_['rows']:,} rows, {r_['latency_ms']:g} ms" for r_ in results) + " |"]
    lines.append("|---|" + "---|" * len(results))
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(r_) for r_ in results) + " |")
    return "\n".join(lines)


def _flatness(results: list[dict[str, Any]]) -> str:
    growth: dict[int, float] = {}
    for r_ in results:
        growth[r_["rows"]] = max(growth.get(r_["rows"], 0.0), r_["rss_growth_mib"])
    if len(growth) < 2:
        return f"Peak RSS growth: {', '.join(f'{g} MiB' for g in growth.values())} (one size only)."
    low, high = min(growth.values()), max(growth.values())
    sizes = ", ".join(f"{rows:,} rows: {g} MiB" for rows, g in sorted(growth.items()))
    return f"Peak RSS growth by size (max over latencies): {sizes}; spread {high - low:.1f} MiB."


def _scale_table(rows_list: list[int], block_rows: int) -> str:
    rate = r.IMPORT_WRITE_UNITS_PER_SECOND
    timeout_s = r.IMPORT_WORKFLOW.timeout_s
    chunk_timeout_s = r.IMPORT_CHUNK_FUNCTION.timeout_s
    lines = [
        "| rows | chunks | history events (limit 25,000) | write units (3 per lead, ≤ 1 KB each) "
        f"| at {PARTITION_WRITE_UNITS_PER_S:,} WU/s (one partition key) | at the pace, {rate} WU/s "
        f"(workflow timeout {timeout_s / 3600:g} h) | one chunk at the pace (Lambda timeout {chunk_timeout_s} s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in rows_list:
        chunks = math.ceil(rows / block_rows)
        events = history_events(chunks)
        units = rows * ITEMS_PER_LEAD
        at_limit = units / PARTITION_WRITE_UNITS_PER_S
        paced = units / rate
        chunk_paced = min(rows, block_rows) * ITEMS_PER_LEAD / rate
        lines.append(
            f"| {rows:,} | {chunks:,} | {events:,} ({'within' if events <= STANDARD_HISTORY_LIMIT else '**OVER**'}) "
            f"| {units:,} | {_duration(at_limit)} | {_duration(paced)} "
            f"({'within' if paced < timeout_s else '**OVER**'}) | {chunk_paced:.0f} s "
            f"({'within' if chunk_paced < chunk_timeout_s else '**OVER**'}) |"
        )
    return "\n".join(lines)


def _history_warnings(rows_list: list[int], block_rows: int) -> list[str]:
    warnings = []
    for rows in rows_list:
        chunks = math.ceil(rows / block_rows)
        events = history_events(chunks)
        if events > STANDARD_HISTORY_LIMIT:
            warnings.append(
                f"!!! {rows:,} rows in {block_rows:,}-row blocks: {chunks:,} chunks make {events:,} Step Functions "
                f"history events, over Standard workflows' {STANDARD_HISTORY_LIMIT:,}: raise the block size "
                "or run the chunks in a child workflow !!!"
            )
    return warnings


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _paced_line(result: dict[str, Any]) -> str:
    expected = result["items_written"] / result["pace_units_per_s"]
    return (
        f"Paced at {result['pace_units_per_s']} write units/s ({result['rows']:,} rows, "
        f"{result['latency_ms']:g} ms per call): {result['import_seconds']} s for {result['items_written']:,} items, "
        f"{result['measured_units_per_s']:,} items/s (the bucket alone: {expected:.0f} s, less its "
        f"{result['pace_units_per_s']}-unit burst); peak RSS growth {result['rss_growth_mib']} MiB; "
        f"load average {result['load_average']}."
    )


def _run_worker(rows: int, latency_ms: float, paced: bool, raw: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.sheets_import", "--worker", str(rows), "--latency-ms", str(latency_ms)]
    if paced:
        command.append("--paced")
    if not raw:
        command.append("--no-raw")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603 - this module
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker for {rows:,} rows at {latency_ms:g} ms failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worker", type=int, help="measure this many rows in this process (internal)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="worker: the stand-in's time per call")
    parser.add_argument("--paced", action="store_true", help="worker: keep the workflow's write pace")
    parser.add_argument("--no-raw", action="store_true", help="worker: skip the raw loop")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--latencies", type=float, nargs="*", default=list(LATENCIES_MS))
    parser.add_argument(
        "--raw-max-rows", type=int, default=1_000_000, help="larger sizes run the import only (RSS, calls)"
    )
    parser.add_argument("--paced-rows", type=int, default=PACED_ROWS, help="0: do not measure the paced import")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--save", help="write this run's figures to this JSON file")
    parser.add_argument("--merge", nargs="*", default=[], help="JSON files of earlier runs (--save) to show too")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker, args.latency_ms, args.paced, not args.no_raw)), flush=True)
        return 0
    results: list[dict[str, Any]] = []
    for saved in args.merge:  # earlier runs' figures (--save), shown with this run's
        results += json.loads(Path(saved).read_text())["results"]
    for rows in args.sizes:
        for latency in args.latencies:
            print(f"importing {rows:,} rows x {COLUMNS} columns at {latency:g} ms per call…", flush=True)
            results.append(_run_worker(rows, latency, paced=False, raw=rows <= args.raw_max_rows))
            print(f"  done: {results[-1]['import_seconds']} s, load average {results[-1]['load_average']}", flush=True)
    paced = None
    if args.paced_rows:
        print(f"importing {args.paced_rows:,} rows at the workflow's pace…", flush=True)
        paced = _run_worker(args.paced_rows, 0.0, paced=True, raw=False)
    for saved in args.merge:
        paced = paced or json.loads(Path(saved).read_text()).get("paced")
    if args.save:
        Path(args.save).write_text(json.dumps({"results": results, "paced": paced}))
    results.sort(key=lambda r_: (r_["rows"], r_["latency_ms"]))
    args.sizes = sorted({*args.sizes, *(r_["rows"] for r_ in results)})
    block_rows = results[0]["block_rows"] if results else r.IMPORT_WORKFLOW.rows_per_chunk
    warnings = _history_warnings(sorted({*args.sizes, 1_000_000}), block_rows)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        f"Measured {stamp} on {machine}, {os.cpu_count()} cores; unpaced (the speed comparison).",
        _speed_table(results) if results else "",
        _flatness(results) if results else "",
        _paced_line(paced) if paced else "",
        "A real table (DynamoDB's ~1,000 write units/s per partition key, and the workflow's pace), "
        f"from the block size ({block_rows:,} rows) and the workflow's ASL:",
        _scale_table(sorted({*args.sizes, 1_000_000}), block_rows),
        *warnings,
    ]
    text = "\n\n".join(part for part in parts if part)
    print(text)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if not args.no_doc:
        DOC.write_text(replace_section(DOC.read_text() if DOC.exists() else "", MARKER, text))
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
