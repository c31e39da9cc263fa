"""Delta sync: the Queries and the memory a whole pull takes, for accounts of growing size.

Seeds N leads (N changes) into one user's partition of the spec's table in a moto server (another
process, so this one traces only the pull), then pulls them all, page by page, through
``shared.sync.logic.pull`` as ``GET /v1/sync`` does, and prints per N: Queries made (counted, not
timed: ceil(N / page)), the pull's wall time (moto's, not DynamoDB's) and its peak traced memory
(tracemalloc: flat from 1,000 to 10,000 changes means each page is processed and dropped).
Figures go to docs/benchmarks.md by hand.

``python -m benchmarks.sync_pull [--sizes 1000,10000] [--page 500]``
"""

from __future__ import annotations

import argparse
import math
import socket
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from local.provision import MotoResources
from shared.leads.repository import DynamoLeadRepository, LeadRecord
from shared.privacy import Pii
from shared.sync import logic
from shared.sync.repository import ChangeRepository


class CountingClient:
    def __init__(self, real: Any) -> None:
        self._real = real
        self.queries = 0

    def query(self, **params: Any) -> Any:
        self.queries += 1
        return self._real.query(**params)


@contextmanager
def moto_server() -> Iterator[MotoResources]:
    """A moto server in its own process, with the spec's resources."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our interpreter, moto's own server module
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        resources = MotoResources(url, "us-east-1")
        resources.create(google_client_secret=Pii("benchmark"))
        yield resources
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(resources: MotoResources, size: int, page_size: int) -> dict[str, float]:
    client, table = resources.client("dynamodb"), resources.table_name
    user, now = f"bench-{ULID()}", datetime.now(UTC)
    leads = [LeadRecord(str(ULID()), f"Lead {i}", "manual", now, now, phone=f"+9198{i:08d}") for i in range(size)]
    DynamoLeadRepository(client, table).put_many(user, leads)
    counting = CountingClient(client)
    reader = ChangeRepository(counting, table)
    tracemalloc.start()
    began = time.perf_counter()
    since, pages, seen = None, 0, 0
    while True:
        page = logic.pull(reader, user, since, page_size)
        pages += 1
        seen += len(page.changes.leads.created) + len(page.changes.leads.updated)
        since = page.checkpoint
        if not page.has_more:
            break
    seconds = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seen == size
    return {"changes": size, "queries": counting.queries, "pages": pages, "s": seconds, "peak_mib": peak / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--page", type=int, default=500)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    print("| changes | page | Queries | ceil(changes/page) | pull s | peak traced MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    with moto_server() as resources:
        for size in sizes:
            row = measure(resources, size, args.page)
            print(
                f"| {size:,} | {args.page} | {row['queries']:.0f} | {math.ceil(size / args.page)} | "
                f"{row['s']:.1f} | {row['peak_mib']:.1f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
