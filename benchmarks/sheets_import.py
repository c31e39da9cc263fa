"""``make bench``: the Google Sheets import at 10,000 and 100,000 rows x 10 columns.

Runs the real workflow steps in-process (prepare, then one chunk per block, then finalize —
what Step Functions would invoke), the real Sheets client over HTTP against the fake Google and
the real lead repository through an unmodified boto3 client against a DynamoDB stand-in; the
fake and the stand-in each run in their own process. Each size runs in a fresh process, so the
peak RSS growth it reports is the import's own. Prints the figures and rewrites
docs/benchmarks.md with them.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.config import Config
from ulid import ULID

from shared.imports.status import ImportStatus

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SIZES = (10_000, 100_000)
COLUMNS = 10
BLOCK = 5000
UNPROCESSED_EVERY = 50  # the stand-in leaves 5 items of every 50th batch unprocessed
TOKEN = "ya29.benchmark-token"  # a fake token for the fake Google


# --- helpers ------------------------------------------------------------------------------------


@contextmanager
def serving(module: str) -> Iterator[str]:
    process = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", module, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
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


def measure(rows: int) -> dict[str, Any]:
    """One size, in this (fresh) process."""
    started = time.perf_counter()
    from shared.core.clock import utcnow
    from shared.imports import steps
    from shared.imports.google.sheets import SheetsClient, a1_range
    from shared.imports.repository import ImportJob, SealedToken
    from shared.imports.sealed import ImportAccess, SheetRequest
    from shared.leads.repository import DynamoLeadRepository
    from shared.privacy import Pii

    module_load_s = time.perf_counter() - started
    # The job store and the vault: the unit tests' fakes. Their real versions are tested against
    # moto in tests/integration; here they would only add noise.
    from tests.fakes.imports import FakeImportRepository
    from tests.fakes.vault import FakeVault

    with serving("local.fake_google") as google, serving("benchmarks.dynamodb_standin") as standin:
        requests.post(
            f"{google}/_fake/spreadsheets/generate", json={"spreadsheet_id": "bench", "rows": rows}, timeout=10
        )
        requests.post(f"{google}/_fake/spreadsheets/generate", json={"spreadsheet_id": "warm", "rows": 300}, timeout=10)
        requests.post(f"{google}/_fake/tokens", json={"token": TOKEN}, timeout=10)
        client = boto3.client(
            "dynamodb",
            endpoint_url=standin,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            config=Config(retries={"mode": "standard", "max_attempts": 3}, max_pool_connections=16),
        )
        jobs, vault = FakeImportRepository(), FakeVault()
        deps = steps.WorkerDeps(
            jobs=jobs,
            leads=DynamoLeadRepository(client, "bench-table"),
            vault=vault,
            sheets=lambda token: SheetsClient(token, google, backoff_base_s=0.05),
            block_rows=BLOCK,
            default_region="IN",
            clock=utcnow,
        )

        def run_import(spreadsheet: str) -> tuple[float, Any]:
            user, import_id, now = f"user-{ULID()}", str(ULID()), datetime.now(UTC)
            # As the OAuth callback leaves an import: running, with its token sealed.
            jobs.create(user, ImportJob(import_id, ImportStatus.AWAITING_AUTHORIZATION, "skip", now))
            jobs.transition(user, import_id, ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.RUNNING, now)
            access = ImportAccess(Pii(TOKEN), SheetRequest(spreadsheet, None, 1, None))
            sealed = vault.seal(access.to_bytes(), user_id=user, import_id=import_id)
            jobs.put_token(user, import_id, SealedToken(sealed, int(now.timestamp()) + 3600))
            ids = {"import_id": import_id, "user_id": user}
            began = time.perf_counter()
            cursor = steps.prepare(deps, steps.StepInput(**ids))
            chunks = 0
            while cursor.next_row <= cursor.last_row:
                step = steps.ChunkInput(**ids, next_row=cursor.next_row, last_row=cursor.last_row)
                cursor = steps.import_chunk(deps, step)  # the ResultSelector keeps the cursor only
                chunks += 1
            steps.finalize(deps, steps.FinalizeInput(**ids, outcome="succeeded"))
            elapsed = time.perf_counter() - began
            job = jobs.get(user, import_id)
            assert job is not None
            return elapsed, (job, chunks)

        run_import("warm")  # code paths and libraries loaded, as in a warm container
        requests.post(f"{standin}/_standin/reset", json={"unprocessed_every": UNPROCESSED_EVERY}, timeout=10)
        requests.post(f"{google}/_fake/stats/reset", json={}, timeout=10)
        gc.collect()
        rss_before = rss_bytes()
        import_s, (job, chunks) = run_import("bench")
        rss_growth = max(0, peak_rss_bytes() - rss_before)
        sheets_stats = requests.get(f"{google}/_fake/stats", timeout=10).json()
        db_stats = requests.get(standin, timeout=10).json()

        # The raw loop: the same rows (all ten cells each) as items, BatchWriteItem 25 at a time
        # with the same retries of unprocessed items. Reading the blocks is not timed.
        requests.post(f"{standin}/_standin/reset", json={"unprocessed_every": UNPROCESSED_EVERY}, timeout=10)
        raw_s = 0.0
        raw_calls = 0
        with SheetsClient(Pii(TOKEN), google) as sheets:
            for first in range(2, rows + 2, BLOCK):
                last = min(first + BLOCK - 1, rows + 1)
                block = sheets.values("bench", a1_range("Leads", 0, COLUMNS - 1, first, last), "FORMATTED_VALUE")
                items = [
                    {
                        "pk": {"S": "RAW#bench"},
                        "sk": {"S": f"ROW#{first + i:07d}"},
                        **{f"c{j}": {"S": str(cell)} for j, cell in enumerate(row) if cell != ""},
                    }
                    for i, row in enumerate(block)
                ]
                began = time.perf_counter()
                for start in range(0, len(items), 25):
                    pending = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                    attempt = 0
                    while pending:
                        response = client.batch_write_item(RequestItems={"bench-table": pending})
                        raw_calls += 1
                        pending = response.get("UnprocessedItems", {}).get("bench-table", [])
                        attempt += 1
                        if pending:
                            time.sleep(0.05 * 2**attempt / 2)
                raw_s += time.perf_counter() - began
        raw_stats = requests.get(standin, timeout=10).json()

    leads = job.leads_created
    return {
        "rows": rows,
        "columns": COLUMNS,
        "block_rows": BLOCK,
        "chunks": chunks,
        "status": job.status,
        "leads_created": leads,
        "rows_skipped": job.rows_skipped,
        "sheets_metadata_requests": sheets_stats.get("metadata", 0),
        "sheets_values_requests": sheets_stats.get("values", 0),
        "expected_block_requests": math.ceil(rows / BLOCK),
        "batch_write_calls": db_stats.get("BatchWriteItem", 0),
        "expected_batch_write_calls": math.ceil(leads / 25),
        "batches_left_unprocessed": db_stats.get("items_left_unprocessed", 0) // 5,
        "dedupe_queries": db_stats.get("Query", 0),
        "items_stored": db_stats.get("items_stored", 0),
        "import_seconds": round(import_s, 2),
        "import_rows_per_s": round(rows / import_s),
        "raw_seconds": round(raw_s, 2),
        "raw_calls": raw_calls,
        "raw_rows_per_s": round(rows / raw_s),
        "raw_items_stored": raw_stats.get("items_stored", 0),
        "ratio": round((rows / import_s) / (rows / raw_s), 3),
        "rss_growth_mib": round(rss_growth / 2**20, 1),
        "module_load_s": round(module_load_s, 2),
    }


def _table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("rows x columns", lambda r: f"{r['rows']:,} x {r['columns']}"),
        ("status, leads created", lambda r: f"{r['status']}, {r['leads_created']:,}"),
        ("chunks (block rows)", lambda r: f"{r['chunks']} ({r['block_rows']:,})"),
        (
            "Sheets requests: metadata + header + blocks (expected blocks)",
            lambda r: (
                f"{r['sheets_metadata_requests']} + 1 + {r['sheets_values_requests'] - 1} "
                f"({r['expected_block_requests']})"
            ),
        ),
        (
            "BatchWriteItem calls = ceil(leads/25) + retries",
            lambda r: (
                f"{r['batch_write_calls']:,} = {r['expected_batch_write_calls']:,} + "
                f"{r['batch_write_calls'] - r['expected_batch_write_calls']} "
                f"({r['batches_left_unprocessed']} batches left partly unprocessed)"
            ),
        ),
        ("dedupe Query calls (phone, then email)", lambda r: f"{r['dedupe_queries']:,}"),
        ("import: seconds, rows/s", lambda r: f"{r['import_seconds']} s, {r['import_rows_per_s']:,}/s"),
        ("raw BatchWriteItem loop: seconds, rows/s", lambda r: f"{r['raw_seconds']} s, {r['raw_rows_per_s']:,}/s"),
        ("import ÷ raw loop (goal ≥ 0.8)", lambda r: f"{r['ratio']}"),
        ("peak RSS growth during the import", lambda r: f"{r['rss_growth_mib']} MiB"),
    ]
    lines = ["| | " + " | ".join(f"{r['rows']:,} rows" for r in results) + " |", "|---|" + "---|" * len(results)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worker", type=int, help="measure this many rows in this process (internal)")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(measure(args.worker)), flush=True)
        return 0
    results = []
    for rows in args.sizes:
        print(f"importing {rows:,} rows x {COLUMNS} columns…", flush=True)
        done = subprocess.run(  # noqa: S603 - this module, in a fresh interpreter
            [sys.executable, "-m", "benchmarks.sheets_import", "--worker", str(rows)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    table = _table(results)
    print(table)
    machine = f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}"
    if not args.no_doc:
        text = DOC.read_text() if DOC.exists() else ""
        marker = "<!-- figures: written by `make bench` -->"
        head = text.split(marker)[0] if marker in text else text
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        DOC.write_text(f"{head}{marker}\n\nMeasured {stamp} on {machine}, {os.cpu_count()} cores:\n\n{table}\n")
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
