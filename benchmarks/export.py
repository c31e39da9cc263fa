"""The Privacy Center's "download everything" for a 10,000-lead account, on the local stack.

Seeds one account directly in the table (10,000 leads and 10,000 activities: notes, calls from
call logs, check-ins with a location — written with the repositories' own item builders, 25 a
BatchWriteItem), then times the export three ways, each end to end on the local stack (gateway,
JWT authorizer, the export function, moto):

1. the API alone: a client pages through ``GET /v1/me/export`` until ``next_cursor`` is null;
2. the page, JSON: in Debian's Chromium, the Privacy Center signed in, from the click on
   "Download as JSON" to the browser's download (paging, assembly and the file);
3. the page, CSV: the same for "Download as CSV (zip)".

Each download is opened and counted (10,000 leads, 10,000 activities). Goal: under a minute.
Figures go to docs/benchmarks.md by hand. Loopback only.

``python -m benchmarks.export [--leads 10000] [--no-browser]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from ulid import ULID

GOAL_S = 60.0


def seed(stack: Any, user_id: str, leads: int) -> dict[str, int]:
    """``leads`` leads and as many activities, straight into the user's partition."""
    from shared.activities.logic import activity_attrs
    from shared.core.layout import ACTIVITY_PREFIX
    from shared.core.ulids import id_at
    from shared.leads.children import ChildRepository
    from shared.leads.repository import DynamoLeadRepository, LeadRecord

    client, table = stack.client("dynamodb"), stack.table_name
    now = datetime.now(UTC)
    records = [
        LeadRecord(
            str(ULID()),
            f"Bench Lead {i}",
            "manual",
            now,
            now,
            phone=f"+9198{i:08d}",
            email=f"bench.lead.{i}@example.com",
            company=f"Company {i % 250}",
        )
        for i in range(leads)
    ]
    DynamoLeadRepository(client, table).put_many(user_id, records)
    activities = []
    for i, lead in enumerate(records):
        at = now - timedelta(minutes=i)
        kind = i % 4
        if kind == 0:
            attrs = activity_attrs(
                type="call", at=at.isoformat(), direction="outgoing", duration_s=60, source="call_log"
            )
        elif kind == 1:
            attrs = activity_attrs(
                type="check_in", at=at.isoformat(), lat=12.97, lng=77.59, accuracy_m=10.0, source="check_in"
            )
        else:
            attrs = activity_attrs(type="note", at=at.isoformat(), body=f"Follow up {i}", source="manual")
        activities.append((lead.lead_id, id_at(at), attrs | {"created_at": now.isoformat()}))
    ChildRepository(client, table, ACTIVITY_PREFIX).put_many(user_id, activities)
    return {"leads": leads, "activities": leads}


def through_the_api(base: str, token: str) -> dict[str, float]:
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    began = time.perf_counter()
    cursor, pages, items, size, slowest = None, 0, {"leads": 0, "activities": 0}, 0, 0.0
    while True:
        asked = time.perf_counter()
        response = session.get(
            f"{base}/v1/me/export", params={"cursor": cursor} if cursor else None, headers=headers, timeout=60
        )
        slowest = max(slowest, time.perf_counter() - asked)
        if response.status_code != 200:
            raise SystemExit(f"page {pages + 1} answered {response.status_code} after {slowest:.1f} s: {response.text}")
        size += len(response.content)
        page = response.json()
        pages += 1
        items["leads"] += len(page["leads"])
        items["activities"] += len(page["activities"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return {"s": time.perf_counter() - began, "pages": pages, "mib": size / 2**20, "slowest_page_s": slowest, **items}


def through_the_page(base: str, email: str, password: str, chromium: str) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(f"{base}/privacy")
            page.fill("#email", email)
            page.fill("#password", password)
            page.click("#sign-in")
            page.wait_for_selector("#inventory tbody tr", timeout=120_000)
            for kind, button in (("json", "#download-json"), ("csv", "#download-csv")):
                began = time.perf_counter()
                with page.expect_download(timeout=300_000) as started:
                    page.click(button)
                path = Path(str(started.value.path()))
                seconds = time.perf_counter() - began
                results[kind] = {"s": seconds, "mib": path.stat().st_size / 2**20, **_count(kind, path)}
        finally:
            browser.close()
    return results


def _count(kind: str, path: Path) -> dict[str, float]:
    if kind == "json":
        exported = json.loads(path.read_text())
        return {"leads": len(exported["leads"]), "activities": len(exported["activities"])}
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None

        def rows(name: str) -> int:
            return archive.read(name).decode().count("\r\n") - 1

        return {"leads": rows("leads.csv"), "activities": rows("activities.csv")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("local_aws").setLevel(logging.WARNING)
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")

    from local.demo_account import register
    from local.testing import running_stack

    with running_stack(port=0) as stack, open(os.devnull, "w") as quiet:
        base = stack.gateway_url
        account = register(base, "Bench User", f"bench.{ULID()}@example.com", "+919812345678", "Correct-Horse-9")
        began = time.perf_counter()
        seeded = seed(stack, account.user_id, args.leads)
        seeding_s = time.perf_counter() - began
        # The functions' INFO lines (one per request) are not what is measured.
        stdout, sys.stdout = sys.stdout, quiet
        try:
            api = through_the_api(base, account.access_token)
            page = (
                {}
                if args.no_browser or chromium is None
                else through_the_page(base, account.email, account.password, chromium)
            )
        finally:
            sys.stdout = stdout
    load = os.getloadavg()[0]
    print(
        f"Export of {seeded['leads']:,} leads + {seeded['activities']:,} activities (seeded in {seeding_s:.1f} s); "
        f"load average {load:.1f}; goal < {GOAL_S:.0f} s"
    )
    print("| path | seconds | pages | MiB | leads | activities | goal |")
    print("|---|---:|---:|---:|---:|---:|---|")
    rows = [("API pages (`GET /v1/me/export`)", api, api["pages"])]
    rows += [(f"Privacy Center, {kind.upper()}", figures, api["pages"]) for kind, figures in page.items()]
    ok = True
    for label, figures, pages in rows:
        met = (
            figures["s"] < GOAL_S
            and figures["leads"] == seeded["leads"]
            and figures["activities"] == seeded["activities"]
        )
        ok &= met
        print(
            f"| {label} | {figures['s']:.1f} | {pages:.0f} | {figures['mib']:.1f} | {figures['leads']:,.0f} | "
            f"{figures['activities']:,.0f} | {'met' if met else 'MISSED'} |"
        )
    print(f"slowest API page: {api['slowest_page_s']:.1f} s (the function's timeout is 29 s)")
    if chromium is None and not args.no_browser:
        print("(no chromium: the page's downloads were not measured; `make browser` installs it)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
