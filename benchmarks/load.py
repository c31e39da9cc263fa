"""Load on the local stack: 20 users, 20 concurrent clients x 100 requests of a field-sales mix.

Each client is one signed-in user (as one phone is): it lists, creates and updates leads, logs
and lists activities, and reads and changes preferences with the version protocol (a ``PATCH``
carries the version last read; a 412 means read again). Every write the API acknowledged (201 or
200) is remembered, and once the clients stop, everything is read back: a lead missing or not as
last acknowledged, an activity missing, or preferences not at the last saved version count as
lost. Goals: 0 responses 5xx, 0 writes lost.

By default the stack runs in this process (``local.testing.running_stack``); its handlers' INFO
logs go to /dev/null, as CloudWatch would take them. The clients then share the interpreter (and
its GIL) with the server, so the figures are a floor; ``--url http://127.0.0.1:8000`` drives a
running ``make run`` instead. Loopback only: this sends made-up data as fast as it can.

``python -m benchmarks.load [--url URL] [--clients 20] [--requests 100] [--max-seconds 300]``
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import math
import os
import random
import secrets
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests

POLICY_VERSION = "2024-06-01"
REQUEST_TIMEOUT_S = 30
# Relative weights of the operations a client picks from (a field day: mostly reading the list,
# adding and updating leads, logging what happened; preferences now and then).
MIX = {
    "list_leads": 22,
    "create_lead": 14,
    "update_lead": 16,
    "create_activity": 18,
    "list_activities": 12,
    "get_preferences": 10,
    "put_preferences": 8,
}


EXPECTED_STATUSES = (200, 201, 412)  # 412: a stale version, which the mix provokes


def _error_code(response: requests.Response) -> str:
    """The API's error code, or API Gateway's message (both fixed strings, no personal data)."""
    try:
        body = response.json()
    except ValueError:
        return "-"
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code", "-"))
    return str(body.get("message", "-")) if isinstance(body, dict) else "-"


# --- results -----------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: Counter[str] = field(default_factory=Counter)  # exception type → count
    # "operation status code" of each unexpected answer: the error code, never the body's values
    unexpected_answers: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, operation: str, status: int | str, seconds: float) -> None:
        """``status``: the HTTP status, or the exception's type when no response came back."""
        with self.lock:
            self.latencies.setdefault(operation, []).append(seconds)
            if isinstance(status, str):
                self.transport_errors[status] += 1
            else:
                self.statuses[status] += 1

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: a p99 is a latency someone really waited)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


# --- one client --------------------------------------------------------------------------------


@dataclass
class Client:
    """One user on one device; remembers every write the API acknowledged."""

    base_url: str
    token: str
    results: Results
    rng: random.Random
    session: requests.Session = field(default_factory=requests.Session)
    leads: dict[str, dict[str, Any]] = field(default_factory=dict)  # lead_id → last acknowledged
    activities: dict[str, set[str]] = field(default_factory=dict)  # lead_id → acknowledged ids
    preferences_version: int | None = None
    preferences_settings: dict[str, Any] | None = None  # last acknowledged PUT
    sent: int = 0

    def call(self, operation: str, method: str, path: str, body: Any = None) -> requests.Response | None:
        self.sent += 1
        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                json=body,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=REQUEST_TIMEOUT_S,
            )
        except requests.RequestException as error:
            self.results.record(operation, type(error).__name__, time.perf_counter() - started)
            return None
        self.results.record(operation, response.status_code, time.perf_counter() - started)
        if response.status_code not in EXPECTED_STATUSES:
            with self.results.lock:
                self.results.unexpected_answers[f"{operation} {response.status_code} {_error_code(response)}"] += 1
        return response

    def run(self, budget: int, deadline: float) -> None:
        operations, weights = zip(*MIX.items(), strict=True)
        while self.sent < budget and time.monotonic() < deadline:
            operation = self.rng.choices(operations, weights)[0]
            if operation in ("update_lead", "create_activity", "list_activities") and not self.leads:
                operation = "create_lead"
            getattr(self, operation)(budget)

    # The operations; each sends one request, except put_preferences after a conflict.

    def list_leads(self, budget: int) -> None:
        self.call("list_leads", "GET", "/v1/leads?limit=25")

    def create_lead(self, budget: int) -> None:
        tag = secrets.token_hex(4)
        body = {
            "name": f"Load Lead {tag}",
            "phone": f"+9197{self.rng.randrange(10**8):08d}",
            "company": f"Load Traders {tag}",
            "source": "manual",
        }
        response = self.call("create_lead", "POST", "/v1/leads", body)
        if response is not None and response.status_code == 201:
            lead = response.json()
            self.leads[lead["lead_id"]] = {"name": body["name"], "company": body["company"], "notes": None}

    def update_lead(self, budget: int) -> None:
        lead_id = self.rng.choice(list(self.leads))
        body = {"notes": f"visit {secrets.token_hex(6)}", "company": f"Load Traders {secrets.token_hex(4)}"}
        response = self.call("update_lead", "PATCH", f"/v1/leads/{lead_id}", body)
        if response is not None and response.status_code == 200:
            self.leads[lead_id] |= body

    def create_activity(self, budget: int) -> None:
        lead_id = self.rng.choice(list(self.leads))
        body = {"type": "note", "at": datetime.now(UTC).isoformat(), "body": f"note {secrets.token_hex(6)}"}
        response = self.call("create_activity", "POST", f"/v1/leads/{lead_id}/activities", body)
        if response is not None and response.status_code == 201:
            self.activities.setdefault(lead_id, set()).add(response.json()["activity_id"])

    def list_activities(self, budget: int) -> None:
        lead_id = self.rng.choice(list(self.leads))
        self.call("list_activities", "GET", f"/v1/leads/{lead_id}/activities?limit=25")

    def get_preferences(self, budget: int) -> None:
        response = self.call("get_preferences", "GET", "/v1/me/preferences")
        if response is not None and response.status_code == 200:
            self.preferences_version = int(response.json()["version"])

    def put_preferences(self, budget: int) -> None:
        if self.preferences_version is None:
            self.get_preferences(budget)
            if self.preferences_version is None or self.sent >= budget:
                return
        settings = {"theme": self.rng.choice(["light", "dark"]), "round": secrets.token_hex(3)}
        body = {"version": self.preferences_version, "location_enabled": True, "settings": settings}
        response = self.call("put_preferences", "PATCH", "/v1/me/preferences", body)
        if response is None:
            return
        if response.status_code == 200:
            self.preferences_version = int(response.json()["version"])
            self.preferences_settings = settings
        elif response.status_code == 412:
            self.preferences_version = None  # read again before the next save

    # --- read back ---------------------------------------------------------------------------

    def lost_writes(self) -> Counter[str]:
        """Acknowledged writes that cannot be read back as acknowledged (not counted as load)."""
        lost: Counter[str] = Counter()
        stored: dict[str, dict[str, Any]] = {}
        cursor = None
        while True:
            query = f"/v1/leads?limit=100{'&cursor=' + cursor if cursor else ''}"
            page = self.session.get(self.base_url + query, headers=self._auth(), timeout=REQUEST_TIMEOUT_S)
            page.raise_for_status()
            data = page.json()
            stored.update({lead["lead_id"]: lead for lead in data["items"]})
            cursor = data.get("next_cursor")
            if not cursor:
                break
        for lead_id, expected in self.leads.items():
            lead = stored.get(lead_id)
            if lead is None:
                lost["lead"] += 1
            elif any(lead.get(name) != value for name, value in expected.items()):
                lost["lead update"] += 1
        for lead_id, acknowledged in self.activities.items():
            found: set[str] = set()
            cursor = None
            while True:
                query = f"/v1/leads/{lead_id}/activities?limit=100{'&cursor=' + cursor if cursor else ''}"
                page = self.session.get(self.base_url + query, headers=self._auth(), timeout=REQUEST_TIMEOUT_S)
                if page.status_code == 404:
                    break
                page.raise_for_status()
                data = page.json()
                found |= {item["activity_id"] for item in data["items"]}
                cursor = data.get("next_cursor")
                if not cursor:
                    break
            lost["activity"] += len(acknowledged - found)
        if self.preferences_settings is not None:
            response = self.session.get(self.base_url + "/v1/me/preferences", headers=self._auth(), timeout=30)
            response.raise_for_status()
            document = response.json()
            if document["version"] != self.preferences_version or document["settings"] != self.preferences_settings:
                lost["preferences"] += 1
        return lost

    def acknowledged(self) -> Counter[str]:
        return Counter(
            lead=len(self.leads),
            activity=sum(len(ids) for ids in self.activities.values()),
            preferences=int(self.preferences_settings is not None),
        )

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# --- users -------------------------------------------------------------------------------------


def register_user(base_url: str, session: requests.Session) -> str:
    """Register, confirm (the local stack accepts any code) and sign in; returns the access token."""
    tag = secrets.token_hex(6)
    email = f"load-{tag}@example.com"
    password = f"Load-{secrets.token_urlsafe(12)}9a"
    identity = {
        "name": f"Load User {tag}",
        "email": email,
        "phone": f"+9198{secrets.randbelow(10**8):08d}",
        "password": password,
        "policy_version": POLICY_VERSION,
    }
    for path, body, expected in (
        ("/v1/auth/register", identity, 201),
        ("/v1/auth/confirm", {"email": email, "code": "123456"}, 200),
        ("/v1/auth/login", {"email": email, "password": password}, 200),
    ):
        response = session.post(base_url + path, json=body, timeout=REQUEST_TIMEOUT_S)
        if response.status_code != expected:
            # The status only: error bodies of the auth routes may quote the submitted values.
            raise RuntimeError(f"{path} answered {response.status_code}, expected {expected}")
    token: str = response.json()["access_token"]
    return token


# --- the run -----------------------------------------------------------------------------------


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as error:
        raise SystemExit(f"cannot resolve {host}: {error}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refusing {url}: the load test only targets loopback addresses")


@dataclass
class Report:
    clients: int
    requests_per_client: int
    seconds: float
    results: Results
    acknowledged: Counter[str]
    lost: Counter[str]
    target: str
    cut_short: bool

    def text(self) -> str:
        all_latencies = [v for values in self.results.latencies.values() for v in values]
        count = len(all_latencies)
        server_errors = sum(n for status, n in self.results.statuses.items() if status >= 500)
        lines = [
            f"Load, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, target {self.target}, {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}",
            f"clients {self.clients} x requests {self.requests_per_client}"
            + (" (cut short by --max-seconds)" if self.cut_short else ""),
            f"requests {count} in {self.seconds:.1f} s: {count / self.seconds:.1f} req/s",
            "latency ms  p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}".format(
                *(percentile(all_latencies, p) * 1000 for p in (0.50, 0.95, 0.99)), max(all_latencies) * 1000
            ),
            f"5xx {server_errors}   transport errors {sum(self.results.transport_errors.values())}"
            + "".join(f", {kind} {n}" for kind, n in sorted(self.results.transport_errors.items())),
            "statuses "
            + ", ".join(f"{status}: {n}" for status, n in sorted(self.results.statuses.items()))
            + f"   unexpected {self.unexpected}"
            + "".join(f", {answer} x{n}" for answer, n in sorted(self.results.unexpected_answers.items())),
            "",
            "| operation | requests | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|",
        ]
        for operation in MIX:
            values = self.results.latencies.get(operation, [])
            if values:
                p50, p95, p99 = (percentile(values, p) * 1000 for p in (0.50, 0.95, 0.99))
                lines.append(f"| {operation} | {len(values)} | {p50:.1f} | {p95:.1f} | {p99:.1f} |")
        lines += [
            "",
            "consistency: acknowledged writes "
            + ", ".join(f"{kind} {n}" for kind, n in sorted(self.acknowledged.items()))
            + f"; lost {sum(self.lost.values())}"
            + (
                " (" + ", ".join(f"{kind} {n}" for kind, n in sorted(self.lost.items()) if n) + ")"
                if +self.lost
                else ""
            ),
        ]
        return "\n".join(lines)

    @property
    def unexpected(self) -> int:
        """Responses the mix never provokes: anything but 200/201, and 412 (a stale version)."""
        return sum(n for status, n in self.results.statuses.items() if status not in EXPECTED_STATUSES)

    @property
    def ok(self) -> bool:
        return not self.unexpected and not self.results.transport_errors and not +self.lost


def run_load(base_url: str, clients: int, requests_per_client: int, max_seconds: float, seed: int) -> Report:
    session = requests.Session()
    print(f"registering {clients} users…", file=sys.stderr, flush=True)
    tokens = [register_user(base_url, session) for _ in range(clients)]
    results = Results()
    workers = [
        Client(base_url, token, results, random.Random(seed + index))  # noqa: S311 - a workload, not a secret
        for index, token in enumerate(tokens)
    ]
    start = threading.Barrier(clients + 1)
    deadline = time.monotonic() + max_seconds

    def work(client: Client) -> None:
        start.wait()
        client.run(requests_per_client, deadline)

    threads = [threading.Thread(target=work, args=(client,), name=f"load-{i}") for i, client in enumerate(workers)]
    for thread in threads:
        thread.start()
    print(f"{clients} clients x {requests_per_client} requests…", file=sys.stderr, flush=True)
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    print("reading every acknowledged write back…", file=sys.stderr, flush=True)
    acknowledged: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for client in workers:
        acknowledged += client.acknowledged()
        lost.update(client.lost_writes())
    return Report(
        clients=clients,
        requests_per_client=requests_per_client,
        seconds=seconds,
        results=results,
        acknowledged=acknowledged,
        lost=lost,
        target=base_url,
        cut_short=any(client.sent < requests_per_client for client in workers),
    )


@contextlib.contextmanager
def in_process_stack() -> Iterator[str]:
    """The local stack in this process; the handlers' logs (stdout, JSON) go to /dev/null."""
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        from local.testing import running_stack

        with running_stack(port=0) as stack:
            yield stack.gateway_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", help="a running `make run` (loopback), e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="requests per client")
    parser.add_argument("--max-seconds", type=float, default=300, help="no new request after this")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.max_seconds <= 0:
        parser.error("--clients, --requests and --max-seconds must be positive")

    if args.url:
        base_url = args.url.rstrip("/")
        require_loopback(base_url)
        report = run_load(base_url, args.clients, args.requests, args.max_seconds, args.seed)
    else:
        with in_process_stack() as base_url:
            report = run_load(base_url, args.clients, args.requests, args.max_seconds, args.seed)
        report.target = "in-process local stack"
    print(report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
