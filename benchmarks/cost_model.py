"""What the backend costs a month: a model from per-route request counts and a price table.

``python -m benchmarks.cost_model`` prints ``docs/cost.md``; ``--write`` writes it, and
``tests/unit/test_cost_model.py`` fails when the two disagree. Everything the figures rest on is
here, named: the prices (with source and date), the usage profile, what each route does to
DynamoDB and S3 (docs/request-counts.md counts the calls; here they become units), and the
assumptions no code can know (durations, bytes logged, data per user). Change one, run
``make cost``, and the document follows.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.resources import (
    FUNCTIONS,
    IMPORT_CHUNK_FUNCTION,
    IMPORT_FINALIZE_FUNCTION,
    IMPORT_PREPARE_FUNCTION,
    SNAPSTART_FUNCTIONS,
    FunctionSpec,
    all_routes,
)

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cost.md"

# --- Prices ------------------------------------------------------------------------------------
# us-east-1, USD, on-demand, no free tier applied (a conservative bill). Source: the AWS pricing
# pages named per line (aws.amazon.com/<service>/pricing), as published in 2025 (DynamoDB after
# the November 2024 on-demand reduction; SnapStart for Python since November 2024). Recorded
# 2026-12-05 from those pages' published figures, not fetched by this script: check them before
# a budget decision.
PRICES_AS_OF = "2026-12-05 (AWS pricing pages, us-east-1, 2025 published rates)"
PRICE = {
    "api_per_million_first_300m": 1.00,  # API Gateway HTTP API, first 300 M requests a month
    "api_per_million_next_700m": 0.90,  # next 700 M
    "api_per_million_over_1b": 0.80,  # over 1 B
    "lambda_per_million_requests": 0.20,  # Lambda
    "lambda_arm_per_gb_second": 0.0000133334,  # Lambda arm64 duration, first 7.5 B GB-s
    "snapstart_cache_per_gb_second": 0.0000015046,  # Lambda SnapStart (Python): snapshot cached, per version
    "snapstart_restore_per_gb": 0.0001397998,  # Lambda SnapStart (Python): each restore
    "dynamodb_per_million_rru": 0.125,  # DynamoDB on-demand read request units
    "dynamodb_per_million_wru": 0.625,  # DynamoDB on-demand write request units
    "dynamodb_storage_per_gb_month": 0.25,  # DynamoDB Standard table class
    "dynamodb_pitr_per_gb_month": 0.20,  # DynamoDB continuous backups (PITR)
    "s3_storage_per_gb_month": 0.023,  # S3 Standard, first 50 TB
    "s3_per_thousand_put": 0.005,  # S3 PUT, COPY, POST, LIST
    "s3_per_thousand_get": 0.0004,  # S3 GET and others
    "cognito_per_mau": 0.015,  # Cognito Essentials (a new pool's default plan), per monthly active user
    "logs_ingest_per_gb": 0.50,  # CloudWatch Logs, standard ingestion
    "xray_per_million_traces": 5.00,  # X-Ray traces recorded
    "stepfunctions_per_thousand_transitions": 0.025,  # Step Functions Standard
    "kms_per_key_month": 1.00,  # KMS customer managed key
    "kms_per_10k_requests": 0.03,  # KMS symmetric requests
    "secrets_per_secret_month": 0.40,  # Secrets Manager
    "transfer_out_per_gb": 0.09,  # data transfer to the internet, first 10 TB
}

# --- Usage profile -----------------------------------------------------------------------------
# docs/usage-profile.md (the figures the throttling limits are sized from; a test keeps these equal
# to its table): 200 API calls per active user per workday, half the monthly users active on a
# workday, 22 workdays, one 500-row Google Sheets import per user a month, 1 % of users exporting
# their data a month. The mix below follows the profile's table route by route.
WORKDAYS_PER_MONTH = 22
ACTIVE_SHARE_PER_WORKDAY = 0.5
ACTIVE_HOURS_PER_WORKDAY = 10
CALLS_PER_USER_PER_WORKDAY = 200
IMPORTS_PER_USER_PER_MONTH = 1
ROWS_PER_IMPORT = 500
EXPORT_SHARE_PER_MONTH = 0.01
EXPORT_PAGES = 10  # an account of 5,000 items, 500 a page
USER_COUNTS = (1_000, 100_000, 1_000_000)
DAILY_MIX: dict[str, int] = {
    "GET /v1/sync": 40,
    "GET /v1/leads": 40,
    "GET /v1/leads/{lead_id}": 20,
    "POST /v1/leads": 8,
    "PATCH /v1/leads/{lead_id}": 12,
    "POST /v1/leads/{lead_id}/activities": 15,
    "GET /v1/leads/{lead_id}/activities": 20,
    "POST /v1/leads/{lead_id}/check-ins": 5,
    "POST /v1/device-logs/sync": 20,
    "GET /v1/me/preferences": 3,
    "GET /v1/me": 2,
    "POST /v1/leads/{lead_id}/files": 2,
    "POST /v1/files/{file_id}/complete": 2,
    "GET /v1/files/{file_id}": 1,
    "POST /v1/auth/refresh": 9,
    "POST /v1/auth/login": 1,
}
# One import, the API calls around it (start, consent page and its Continue, the OAuth callback,
# a few status polls).
IMPORT_MIX: dict[str, int] = {
    "POST /v1/imports/google-sheets": 1,
    "GET /v1/oauth/google/consent": 1,
    "POST /v1/oauth/google/consent": 1,
    "GET /v1/oauth/google/callback": 1,
    "GET /v1/imports/{import_id}": 5,
}
EXPORT_MIX: dict[str, int] = {"GET /v1/me/export": EXPORT_PAGES}


@dataclass(frozen=True)
class RouteUse:
    """What one request of a route does, beyond the revocation check (added by method)."""

    rru: float  # DynamoDB read request units (strongly consistent: 1 per 4 KB; eventually: 0.5)
    wru: float  # DynamoDB write request units (1 per KB, the by_change index's copy included; x2 in a transaction)
    s3_get: int = 0
    s3_put: int = 0
    kms: int = 0
    sfn_starts: int = 0


# Items are small (a lead ~1 KB); a list page of a consistent Query reads ~10-25 KB.
ROUTE_USE: dict[str, RouteUse] = {
    # The per-user limits (shared/core/user_limits.py) add one UpdateItem (1 WRU) to sync,
    # device-log sync, import start and export.
    "GET /v1/sync": RouteUse(rru=3, wru=1),  # one consistent page on by_change (~10 KB of changes)
    "GET /v1/leads": RouteUse(rru=7, wru=0),  # one consistent page (~25 KB)
    "GET /v1/leads/{lead_id}": RouteUse(rru=1, wru=0),
    # A transaction (x2): the lead, its by_change index copy, its phone's and email's contact items.
    "POST /v1/leads": RouteUse(rru=0, wru=8),
    "PATCH /v1/leads/{lead_id}": RouteUse(rru=0, wru=2),  # no contact changed (most edits)
    "POST /v1/leads/{lead_id}/activities": RouteUse(rru=0, wru=6),  # transaction: check + put (+ index), x2
    "GET /v1/leads/{lead_id}/activities": RouteUse(rru=2, wru=0),
    # preferences, one BatchGetItem of the numbers' contact items, one of existing activities; 2 new.
    "POST /v1/device-logs/sync": RouteUse(rru=4, wru=5),
    "POST /v1/leads/{lead_id}/check-ins": RouteUse(rru=1, wru=6),
    "GET /v1/me/preferences": RouteUse(rru=1, wru=0),
    "GET /v1/me": RouteUse(rru=0, wru=0),  # Cognito AdminGetUser: no charge per call
    "POST /v1/auth/refresh": RouteUse(rru=1, wru=0),  # Cognito InitiateAuth + the deletion GetItem
    "POST /v1/auth/login": RouteUse(rru=1, wru=0),  # likewise
    "POST /v1/leads/{lead_id}/files": RouteUse(rru=1, wru=4, s3_put=1, kms=1),  # the client's upload
    "POST /v1/files/{file_id}/complete": RouteUse(rru=1, wru=2, s3_get=1),
    "GET /v1/files/{file_id}": RouteUse(rru=1, wru=0, s3_get=1, kms=1),  # the client's download
    "GET /v1/me/export": RouteUse(rru=125, wru=1),  # a consistent page of 500 items (~500 KB)
    "POST /v1/imports/google-sheets": RouteUse(rru=2, wru=3, kms=1),  # + the lease read
    "GET /v1/oauth/google/consent": RouteUse(rru=1, wru=0, kms=1),
    "POST /v1/oauth/google/consent": RouteUse(rru=0, wru=1, kms=1),
    # state deleted, token put, a transaction (x2) of job, lease and reference
    "GET /v1/oauth/google/callback": RouteUse(rru=0, wru=8, kms=2, sfn_starts=1),
    "GET /v1/imports/{import_id}": RouteUse(rru=1, wru=0),
}
# The import workflow per 500-row import: three step invocations; each row's phone and email
# looked up (consistent BatchGetItem) and written with the lead and its index copy; the token read
# and deleted, the job updated, the lease and reference released.
IMPORT_STEP_SECONDS = {
    IMPORT_PREPARE_FUNCTION.name: 0.5,
    IMPORT_CHUNK_FUNCTION.name: 3.0,
    IMPORT_FINALIZE_FUNCTION.name: 0.2,
}
IMPORT_WORKFLOW_RRU = ROWS_PER_IMPORT * 2 + 6
IMPORT_WORKFLOW_WRU = ROWS_PER_IMPORT * 4 + 8
IMPORT_WORKFLOW_KMS = 2
IMPORT_STATE_TRANSITIONS = 10

# --- What no code here can know: assumptions to check against the first month's bill -----------
API_SECONDS_PER_REQUEST = 0.030  # billed duration of a warm API invocation (1 ms granularity)
RESPONSE_KB = 2.0  # average response body sent to the device
LOG_KB_PER_INVOCATION = {"INFO": 1.1, "WARNING": 0.7}  # platform START/END/REPORT + EMF metrics (+ INFO lines)
DYNAMODB_MB_PER_USER = 3.0  # leads, activities, devices, preferences, tombstones, index copies
S3_MB_PER_USER = 100.0  # uploaded files (with their noncurrent versions)
XRAY_SAMPLED_SHARE = 0.05  # X-Ray's default rule: 1 request a second, then 5 %
INIT_SECONDS = 1.0  # a cold start's init without SnapStart (billed since August 2025)
ENVIRONMENT_LIFETIME_HOURS = 1.0  # an execution environment's life before Lambda recycles it
PEAK_TO_AVERAGE = 3.0  # busiest hour against the workday's average
KMS_KEYS = 4  # data, uploads, import, workflow
SECRETS = 1  # the Google OAuth client secret


@dataclass(frozen=True)
class Knobs:
    log_level: str = "INFO"
    tracing: bool = False
    memory_factor: float = 1.0  # every function's memory times this (duration assumed unchanged)
    consistent_revocation_reads: bool = False  # the check before issue 14: consistent for every request
    snap_start: bool = True


READ_ONLY = ("GET", "HEAD", "OPTIONS")


def function_of(route_key: str) -> FunctionSpec:
    return next(spec for spec, route in all_routes() if route.route_key == route_key)


def is_public(route_key: str) -> bool:
    return next(route.public for _, route in all_routes() if route.route_key == route_key)


def revocation_rru(route_key: str, knobs: Knobs) -> float:
    """Read units of the revocation check (shared/core/identity.py) for one request."""
    if is_public(route_key):
        return 0.0
    if knobs.consistent_revocation_reads:
        return 1.0
    return 0.5 if route_key.split(" ", 1)[0] in READ_ONLY else 1.0


def monthly_requests(users: int) -> dict[str, float]:
    """Requests per route per month."""
    per_route: dict[str, float] = {
        route: float(users * ACTIVE_SHARE_PER_WORKDAY * per_day * WORKDAYS_PER_MONTH)
        for route, per_day in DAILY_MIX.items()
    }
    for route, per_import in IMPORT_MIX.items():
        per_route[route] = per_route.get(route, 0) + users * IMPORTS_PER_USER_PER_MONTH * per_import
    for route, per_export in EXPORT_MIX.items():
        per_route[route] = per_route.get(route, 0) + users * EXPORT_SHARE_PER_MONTH * per_export
    return per_route


def tiered_api_cost(requests: float) -> float:
    millions = requests / 1e6
    first = min(millions, 300)
    second = min(max(millions - 300, 0), 700)
    rest = max(millions - 1000, 0)
    return (
        first * PRICE["api_per_million_first_300m"]
        + second * PRICE["api_per_million_next_700m"]
        + rest * PRICE["api_per_million_over_1b"]
    )


def gb(spec: FunctionSpec, knobs: Knobs) -> float:
    return spec.memory_mb / 1024 * knobs.memory_factor


def costs(users: int, knobs: Knobs = Knobs()) -> dict[str, float]:
    """USD per month, per component."""
    requests = monthly_requests(users)
    api_requests = sum(requests.values())
    imports = users * IMPORTS_PER_USER_PER_MONTH
    step_invocations = imports * len(IMPORT_STEP_SECONDS)
    invocations = api_requests + step_invocations

    by_function: dict[str, float] = {}
    for route, count in requests.items():
        name = function_of(route).name
        by_function[name] = by_function.get(name, 0) + count
    specs = {spec.name: spec for spec in FUNCTIONS}
    gb_seconds = sum(count * API_SECONDS_PER_REQUEST * gb(specs[name], knobs) for name, count in by_function.items())
    gb_seconds += sum(imports * seconds * gb(specs[name], knobs) for name, seconds in IMPORT_STEP_SECONDS.items())

    rru = sum(count * (ROUTE_USE[route].rru + revocation_rru(route, knobs)) for route, count in requests.items())
    rru += imports * IMPORT_WORKFLOW_RRU
    wru = sum(count * ROUTE_USE[route].wru for route, count in requests.items()) + imports * IMPORT_WORKFLOW_WRU
    s3_get = sum(count * ROUTE_USE[route].s3_get for route, count in requests.items())
    s3_put = sum(count * ROUTE_USE[route].s3_put for route, count in requests.items())
    kms = sum(count * ROUTE_USE[route].kms for route, count in requests.items()) + imports * IMPORT_WORKFLOW_KMS

    out: dict[str, float] = {
        "API Gateway (HTTP API requests)": tiered_api_cost(api_requests),
        "Lambda requests": invocations / 1e6 * PRICE["lambda_per_million_requests"],
        "Lambda duration (arm64)": gb_seconds * PRICE["lambda_arm_per_gb_second"],
        "DynamoDB reads": rru / 1e6 * PRICE["dynamodb_per_million_rru"],
        "DynamoDB writes": wru / 1e6 * PRICE["dynamodb_per_million_wru"],
        "DynamoDB storage + PITR": users
        * DYNAMODB_MB_PER_USER
        / 1024
        * (PRICE["dynamodb_storage_per_gb_month"] + PRICE["dynamodb_pitr_per_gb_month"]),
        "S3 storage + requests": users * S3_MB_PER_USER / 1024 * PRICE["s3_storage_per_gb_month"]
        + s3_put / 1000 * PRICE["s3_per_thousand_put"]
        + s3_get / 1000 * PRICE["s3_per_thousand_get"],
        "Cognito (monthly active users)": users * PRICE["cognito_per_mau"],
        "CloudWatch Logs ingestion": invocations
        * LOG_KB_PER_INVOCATION[knobs.log_level]
        / 1024**2
        * PRICE["logs_ingest_per_gb"],
        "Data transfer out": api_requests * RESPONSE_KB / 1024**2 * PRICE["transfer_out_per_gb"],
        "Step Functions (import workflow)": imports
        * IMPORT_STATE_TRANSITIONS
        / 1000
        * PRICE["stepfunctions_per_thousand_transitions"],
        "KMS (keys + requests)": KMS_KEYS * PRICE["kms_per_key_month"] + kms / 1e4 * PRICE["kms_per_10k_requests"],
        "Secrets Manager": SECRETS * PRICE["secrets_per_secret_month"],
    }
    cache, restore, new_environments_gb = snapstart(by_function, specs, knobs)
    if knobs.snap_start:
        out["SnapStart snapshot cache"] = cache
        out["SnapStart restores"] = restore
    else:
        out["Lambda init (cold starts)"] = new_environments_gb * INIT_SECONDS * PRICE["lambda_arm_per_gb_second"]
    if knobs.tracing:
        out["X-Ray traces"] = invocations * XRAY_SAMPLED_SHARE / 1e6 * PRICE["xray_per_million_traces"]
    return out


def snapstart(
    by_function: dict[str, float], specs: dict[str, FunctionSpec], knobs: Knobs
) -> tuple[float, float, float]:
    """Snapshot cache (one live version per SnapStart function, all month), restore charges and
    the GB of new environments (restored, or initialised without SnapStart): each function keeps
    its peak-hour concurrency (at least one environment) through the active hours, each
    environment made again every ENVIRONMENT_LIFETIME_HOURS."""
    month_seconds = 30 * 24 * 3600
    cache = (
        sum(gb(spec, knobs) * month_seconds for spec in SNAPSTART_FUNCTIONS) * PRICE["snapstart_cache_per_gb_second"]
    )
    new_gb = sum(gb(spec, knobs) * new_environments(by_function, spec) for spec in SNAPSTART_FUNCTIONS)
    return cache, new_gb * PRICE["snapstart_restore_per_gb"], new_gb


def new_environments(by_function: dict[str, float], spec: FunctionSpec) -> float:
    active_seconds = WORKDAYS_PER_MONTH * ACTIVE_HOURS_PER_WORKDAY * 3600
    per_second = by_function.get(spec.name, 0) / active_seconds
    environments = max(1.0, math.ceil(per_second * PEAK_TO_AVERAGE * API_SECONDS_PER_REQUEST))
    return environments * WORKDAYS_PER_MONTH * ACTIVE_HOURS_PER_WORKDAY / ENVIRONMENT_LIFETIME_HOURS


def revocation_units_per_request(knobs: Knobs) -> tuple[float, float]:
    """Read units per authenticated API request: the revocation check alone, and all reads."""
    requests = monthly_requests(1)
    authenticated = {route: count for route, count in requests.items() if not is_public(route)}
    total = sum(authenticated.values())
    check = sum(count * revocation_rru(route, knobs) for route, count in authenticated.items()) / total
    reads = sum(count * (ROUTE_USE[route].rru + revocation_rru(route, knobs)) for route, count in authenticated.items())
    return check, reads / total


def usd(value: float) -> str:
    if value >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def dominant(components: dict[str, float], share: float = 0.8) -> list[str]:
    """The largest components that together make ``share`` of the total."""
    total = sum(components.values())
    names, running = [], 0.0
    for name, value in sorted(components.items(), key=lambda item: -item[1]):
        names.append(name)
        running += value
        if running >= share * total:
            break
    return names


KNOB_CASES: dict[str, Knobs] = {
    "log level WARNING instead of INFO": Knobs(log_level="WARNING"),
    "X-Ray active tracing on (default sampling)": Knobs(tracing=True),
    "memory 1024 MB instead of 512 (same duration)": Knobs(memory_factor=2.0),
    "memory 256 MB instead of 512 (same duration)": Knobs(memory_factor=0.5),
    "revocation check consistent for every request (before issue 14)": Knobs(consistent_revocation_reads=True),
    "SnapStart off (no cache or restores; each new environment's init billed)": Knobs(snap_start=False),
}


def render() -> str:
    base = Knobs()
    lines = [
        "# What the backend costs a month",
        "",
        "Generated by `python -m benchmarks.cost_model --write` (`make cost`) from the price table and",
        "the assumptions in `benchmarks/cost_model.py`; `tests/unit/test_cost_model.py` fails if this page",
        "and the script disagree. Edit the script, not this page.",
        "",
        f"Prices: {PRICES_AS_OF}; USD, on-demand, no free tier applied.",
        "",
        "## Usage profile",
        "",
        f"- {CALLS_PER_USER_PER_WORKDAY} API calls per active user per workday, {ACTIVE_SHARE_PER_WORKDAY:.0%} of the "
        f"monthly users active on a workday, {WORKDAYS_PER_MONTH} workdays a month, over {ACTIVE_HOURS_PER_WORKDAY} "
        "active hours ([usage-profile.md](usage-profile.md), which the throttling limits are sized from);",
        f"- {IMPORTS_PER_USER_PER_MONTH} Google Sheets import of {ROWS_PER_IMPORT} rows per user per month; "
        f"{EXPORT_SHARE_PER_MONTH:.0%} of users export their data a month ({EXPORT_PAGES} pages);",
        "- every user active every month (Cognito bills monthly active users).",
        "",
        "How the 200 daily calls split over routes (the profile's mix):",
        "",
        "| route | calls per user per workday | DynamoDB RRU (+ revocation check) | WRU | function |",
        "|---|---:|---:|---:|---|",
    ]
    for route, per_day in DAILY_MIX.items():
        use = ROUTE_USE[route]
        lines.append(
            f"| `{route}` | {per_day} | {use.rru:g} + {revocation_rru(route, base):g} | {use.wru:g} "
            f"| {function_of(route).name} |"
        )
    lines += [
        "",
        "Other assumptions: "
        f"{API_SECONDS_PER_REQUEST * 1000:.0f} ms billed per API invocation; responses of {RESPONSE_KB:g} KB; "
        f"{LOG_KB_PER_INVOCATION['INFO']:g} KB logged per invocation at INFO "
        f"({LOG_KB_PER_INVOCATION['WARNING']:g} KB at WARNING); "
        f"{DYNAMODB_MB_PER_USER:g} MB in DynamoDB and {S3_MB_PER_USER:g} MB in S3 per user; an execution environment "
        f"lives {ENVIRONMENT_LIFETIME_HOURS:g} h, and its init takes {INIT_SECONDS:g} s without SnapStart; "
        f"the busiest hour has {PEAK_TO_AVERAGE:g}x the average traffic. "
        "Check each against the first month's bill.",
        "",
        "## Cost per component per month",
        "",
        "| component | " + " | ".join(f"{users:,} users" for users in USER_COUNTS) + " |",
        "|---|" + "---:|" * len(USER_COUNTS),
    ]
    tables = {users: costs(users, base) for users in USER_COUNTS}
    for name in tables[USER_COUNTS[-1]]:
        lines.append(f"| {name} | " + " | ".join(usd(tables[users][name]) for users in USER_COUNTS) + " |")
    lines.append(
        "| **total** | " + " | ".join(f"**{usd(sum(tables[users].values()))}**" for users in USER_COUNTS) + " |"
    )
    lines.append("| per user | " + " | ".join(usd(sum(tables[users].values()) / users) for users in USER_COUNTS) + " |")
    lines += ["", "Dominant components (together 80 % of the total):", ""]
    for users in USER_COUNTS:
        lines.append(f"- {users:,} users: {', '.join(dominant(tables[users]))}.")

    specs = {spec.name: spec for spec in FUNCTIONS}
    lines += ["", "## SnapStart's own charges", ""]
    for users in USER_COUNTS:
        by_function: dict[str, float] = {}
        for route, count in monthly_requests(users).items():
            by_function[function_of(route).name] = by_function.get(function_of(route).name, 0) + count
        cache, restore, _ = snapstart(by_function, specs, base)
        restores = sum(new_environments(by_function, spec) for spec in SNAPSTART_FUNCTIONS)
        lines.append(
            f"- {users:,} users: {len(SNAPSTART_FUNCTIONS)} functions' snapshots cached all month {usd(cache)}; "
            f"about {restores:,.0f} restores {usd(restore)}."
        )
    lines += [
        "",
        "The cache is charged per published version while it exists: a deployment deletes the version it",
        "replaces (infra/functions.py), so one snapshot per function is cached. Without SnapStart these",
        "charges go, and every new environment runs (and is billed for) its full init instead.",
        "",
        "## The revocation check",
        "",
        "Every authenticated request reads the account's revocation marker first (shared/core/identity.py).",
    ]
    before_check, before_reads = revocation_units_per_request(Knobs(consistent_revocation_reads=True))
    after_check, after_reads = revocation_units_per_request(base)
    lines += [
        "",
        "| | check RRU per request | all RRU per request |",
        "|---|---:|---:|",
        f"| before: consistent read for every request | {before_check:.2f} | {before_reads:.2f} |",
        "| after: consistent for writes, eventually consistent for reads; revoked answers kept "
        f"| {after_check:.2f} | {after_reads:.2f} |",
        "",
        "A request that writes still reads the marker consistently, so a deleted account's token can change",
        "nothing from the moment of deletion; a read may be answered in the second after it, with data the",
        "account still has until the erasure workflow runs.",
        "",
        "## Knobs",
        "",
        "Each knob alone, against the configuration above (change of the monthly total):",
        "",
        "| knob | " + " | ".join(f"{users:,} users" for users in USER_COUNTS) + " |",
        "|---|" + "---:|" * len(USER_COUNTS),
    ]
    for label, knobs in KNOB_CASES.items():
        cells = []
        for users in USER_COUNTS:
            delta = sum(costs(users, knobs).values()) - sum(tables[users].values())
            cells.append(("+" if delta >= 0 else "-") + usd(abs(delta)))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Caching: HTTP APIs have no response cache, and every response is `Cache-Control: no-store`",
        "(personal data); the only cache is the revocation check's (above).",
        "",
        "## Tracing",
        "",
        "Lambda X-Ray tracing is off (infra/functions.py; checkov CKV_AWS_50 skipped, docs/security.md).",
        "No Powertools Tracer is used, so a trace would show only Lambda's own init and invoke segments,",
        "which each invocation's REPORT line already gives; the knob above is what turning it on costs.",
        "A Tracer would also add aws-xray-sdk to every cold start and could capture responses (personal",
        "data). The workflows' Step Functions tracing stays on: a few traces per import.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        DOC.write_text(text)
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
