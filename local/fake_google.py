"""A local stand-in for the Google endpoints the import uses (``make run`` and tests only).

- ``GET /o/oauth2/auth``: the consent screen, without the screen: redirects straight back to
  ``redirect_uri`` with ``code`` and ``state`` (or ``error=access_denied`` when told to deny).
  Refuses requests without a PKCE S256 challenge or for an unknown client.
- ``POST /token``: the authorization_code grant. Codes are single-use, bound to their
  ``redirect_uri`` and PKCE challenge; the client authenticates with Basic auth or form fields.
  Access tokens only (no refresh token), like Google for ``access_type=online``.
- ``GET /v4/spreadsheets/{id}``: metadata with gridProperties (a ``fields`` mask is required, grid
  data is refused: the import must never pull cells through it).
- ``GET /v4/spreadsheets/{id}/values/{range}``: A1 ranges, ``FORMATTED_VALUE`` or
  ``UNFORMATTED_VALUE``; trailing empty cells and rows are dropped, as Google does.

Hooks (Python, or HTTP under ``/_fake/``): load or generate a sheet, inject 429/503/403 errors at
a given block, revoke tokens, deny consent, choose the next access token, count requests.
Nothing is logged: requests carry codes and tokens.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import secrets
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from local._http import QuietHandler, StoppableServer

CLIENT_ID = "local-client.apps.googleusercontent.com"
CLIENT_SECRET = "local-client-secret"  # the fake's own, public by design
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
DEMO_SPREADSHEET_ID = "demo-leads-sheet"
ACCESS_TOKEN_SECONDS = 3599


@dataclass(frozen=True)
class Formatted:
    """A cell whose raw value and displayed text differ (e.g. a number shown with leading zeros)."""

    value: Any
    text: str


Cell = str | int | float | bool | Formatted | None
RowSource = Callable[[int], list[Cell]]  # 1-based row number → cells


@dataclass
class FakeSheet:
    title: str
    row_count: int
    column_count: int
    rows: RowSource

    def cells(self, row: int) -> list[Cell]:
        return self.rows(row) if 1 <= row <= self.row_count else []


def _listed(rows: Sequence[Sequence[Cell]]) -> RowSource:
    frozen = [list(row) for row in rows]
    return lambda row: frozen[row - 1] if row <= len(frozen) else []


def generated_row(row: int, columns: int = 10) -> list[Cell]:
    """A synthetic sheet: header on row 1, then a distinct valid lead per row (name, phone,
    email, company, notes) and ``columns - 5`` unmapped columns."""
    if row == 1:
        header: list[Cell] = ["Name", "Mobile", "Email", "Company", "Notes"]
        return [*header, *[f"Extra {i}" for i in range(1, columns - 4)]][:columns]
    n = row - 1
    cells: list[Cell] = [
        f"Lead {n:06d}",
        f"+91 98{n % 100_000_000:08d}",
        f"lead{n}@example.com",
        f"Company {n % 997}",
        f"Met at fair #{n % 50}",
        *[f"x{n}-{i}" for i in range(1, columns - 4)],
    ]
    return cells[:columns]


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str


@dataclass
class _Fault:
    kind: str  # "values", "metadata" or "token"
    status: int
    at_row: int | None  # values: only requests whose range starts at this row
    reason: str | None = None  # 403: e.g. "rateLimitExceeded"


@dataclass
class Stats:
    counts: Counter[str] = field(default_factory=Counter)


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


_CELL = re.compile(r"^([A-Za-z]+)(\d+)$")


def parse_a1(a1: str) -> tuple[str | None, int, int, int, int]:
    """``'Title'!A2:J9`` → (title, first_col, last_col, first_row, last_row); 0-based columns."""
    title: str | None = None
    cells = a1
    if "!" in a1:
        title, cells = a1.rsplit("!", 1)
        if title.startswith("'") and title.endswith("'"):
            title = title[1:-1].replace("''", "'")
    start, _, end = cells.partition(":")
    end = end or start
    first, last = _CELL.match(start), _CELL.match(end)
    if not first or not last:
        raise ValueError("unsupported range")
    return (
        title,
        column_index(first.group(1)),
        column_index(last.group(1)),
        int(first.group(2)),
        int(last.group(2)),
    )


def _formatted(cell: Cell) -> Any:
    if isinstance(cell, Formatted):
        return cell.text
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _unformatted(cell: Cell) -> Any:
    return cell.value if isinstance(cell, Formatted) else cell


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    out = []
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


class FakeGoogle:
    """Google's OAuth and Sheets endpoints, on 127.0.0.1, with hooks for tests and demos."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._spreadsheets: dict[str, list[FakeSheet]] = {}
        self._grants: dict[str, _Grant] = {}
        self._spent_codes: set[str] = set()
        self._tokens: dict[str, str] = {}  # access token → granted scope
        self._revoked: set[str] = set()
        self._next_tokens: list[str] = []
        self._deny = 0
        self._faults: list[_Fault] = []
        self._revoke_at_row: int | None = None
        self.stats = Stats()
        self.last_authorization: dict[str, str] = {}
        handler = type("_BoundFakeGoogleHandler", (_Handler,), {"google": self})
        self._server = StoppableServer(host, port, handler)

    # --- lifecycle ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def port(self) -> int:
        return self._server.port

    def start(self) -> FakeGoogle:
        self._server.start("fake-google")
        return self

    def stop(self) -> None:
        self._server.stop()

    # --- hooks --------------------------------------------------------------------------------

    def load_sheet(
        self,
        spreadsheet_id: str,
        rows: Sequence[Sequence[Cell]],
        *,
        title: str = "Sheet1",
        row_count: int | None = None,
        column_count: int | None = None,
        append: bool = False,
    ) -> None:
        """Add (or replace) a spreadsheet with one sheet; ``append`` adds a further sheet."""
        width = max((len(row) for row in rows), default=0)
        sheet = FakeSheet(
            title=title,
            row_count=row_count if row_count is not None else max(len(rows), 1000),
            column_count=column_count if column_count is not None else max(width, 26),
            rows=_listed(rows),
        )
        with self._lock:
            sheets = self._spreadsheets.get(spreadsheet_id, []) if append else []
            self._spreadsheets[spreadsheet_id] = [*sheets, sheet]

    def generate_sheet(self, spreadsheet_id: str, rows: int, *, columns: int = 10, title: str = "Leads") -> None:
        """A header and ``rows`` synthetic leads, computed per request (no memory per row)."""
        sheet = FakeSheet(
            title=title,
            row_count=rows + 1,
            column_count=columns,
            rows=lambda row: generated_row(row, columns),
        )
        with self._lock:
            self._spreadsheets[spreadsheet_id] = [sheet]

    def fail(
        self, statuses: Sequence[int], *, kind: str = "values", at_row: int | None = None, reason: str | None = None
    ) -> None:
        """The next matching requests answer these statuses, one each (403: rate limit, unless
        another ``reason`` such as "forbidden" is given)."""
        with self._lock:
            for status in statuses:
                why = reason or ("rateLimitExceeded" if status == 403 else None)
                self._faults.append(_Fault(kind=kind, status=status, at_row=at_row, reason=why))

    def revoke_when_reading(self, row: int) -> None:
        """The user revokes access just as a block starting at ``row`` (or later) is read."""
        with self._lock:
            self._revoke_at_row = row

    def revoke_all(self) -> None:
        with self._lock:
            self._revoked |= set(self._tokens)

    def revoke(self, token: str) -> None:
        with self._lock:
            self._revoked.add(token)

    def deny_next_consent(self) -> None:
        with self._lock:
            self._deny += 1

    def grant(self, token: str, scope: str = SHEETS_SCOPE) -> None:
        """A valid access token, as if issued by a consent and token exchange."""
        with self._lock:
            self._tokens[token] = scope

    def issue_next_token(self, token: str) -> None:
        with self._lock:
            self._next_tokens.append(token)

    def count(self, kind: str) -> int:
        with self._lock:
            return self.stats.counts[kind]

    def reset_counts(self) -> None:
        with self._lock:
            self.stats.counts.clear()

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._revoke_at_row = None

    # --- endpoints ----------------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.stats.counts["authorize"] += 1
            self.last_authorization = dict(query)
            redirect = query.get("redirect_uri", "")
            problems = [
                query.get("client_id") != CLIENT_ID,
                query.get("response_type") != "code",
                not redirect.startswith(("http://", "https://")),
                query.get("code_challenge_method") != "S256",
                len(query.get("code_challenge", "")) < 43,
                SHEETS_SCOPE not in query.get("scope", "").split(),
            ]
            if any(problems):
                return 400, {"Content-Type": "text/plain"}, b"invalid_request"
            params: dict[str, str] = {}
            if self._deny:
                self._deny -= 1
                params["error"] = "access_denied"
            else:
                code = "4/" + secrets.token_urlsafe(24)
                self._grants[code] = _Grant(CLIENT_ID, redirect, query["code_challenge"], query["scope"])
                params["code"] = code
                params["scope"] = query["scope"]
            if "state" in query:
                params["state"] = query["state"]
        separator = "&" if "?" in redirect else "?"
        return 302, {"Location": f"{redirect}{separator}{urlencode(params)}"}, b""

    def token(self, headers: dict[str, str], form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            decoded = base64.b64decode(basic[6:]).decode()
            client_id, _, client_secret = (unquote(part) for part in decoded.partition(":"))
        with self._lock:
            self.stats.counts["token"] += 1
            fault = self._take_fault("token", None)
            if fault is not None:
                return fault.status, {"error": "temporarily_unavailable"}
            if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
                return 401, {"error": "invalid_client"}
            if form.get("grant_type") != "authorization_code":
                return 400, {"error": "unsupported_grant_type"}
            code = form.get("code", "")
            grant = self._grants.pop(code, None)  # single use, whatever happens next
            if grant is None:
                return 400, {"error": "invalid_grant", "error_description": "Code already used or unknown"}
            self._spent_codes.add(code)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if form.get("redirect_uri") != grant.redirect_uri or challenge != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "Bad redirect_uri or code_verifier"}
            token = self._next_tokens.pop(0) if self._next_tokens else "ya29." + secrets.token_urlsafe(32)
            self._tokens[token] = grant.scope
        return 200, {
            "access_token": token,
            "expires_in": ACCESS_TOKEN_SECONDS,
            "scope": grant.scope,
            "token_type": "Bearer",
        }

    def _take_fault(self, kind: str, start_row: int | None) -> _Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.kind == kind and (fault.at_row is None or fault.at_row == start_row):
                return self._faults.pop(index)
        return None

    def _authorized(self, headers: dict[str, str]) -> bool:
        value = headers.get("authorization", "")
        token = value[7:] if value.lower().startswith("bearer ") else ""
        return token in self._tokens and token not in self._revoked

    def sheets_get(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        match = re.match(r"^/v4/spreadsheets/([^/]+)(?:/values/(.+))?$", path)
        if match is None:
            return 404, _google_error(404, "NOT_FOUND")
        spreadsheet_id, a1 = unquote(match.group(1)), unquote(match.group(2)) if match.group(2) else None
        kind = "values" if a1 is not None else "metadata"
        start_row = None
        if a1 is not None:
            try:
                start_row = parse_a1(a1)[3]
            except ValueError:
                return 400, _google_error(400, "INVALID_ARGUMENT")
        with self._lock:
            self.stats.counts[kind] += 1
            if kind == "values" and self._revoke_at_row is not None and (start_row or 0) >= self._revoke_at_row:
                self._revoked |= set(self._tokens)
                self._revoke_at_row = None
            if not self._authorized(headers):
                return 401, _google_error(401, "UNAUTHENTICATED")
            fault = self._take_fault(kind, start_row)
            if fault is not None:
                status_name = {429: "RESOURCE_EXHAUSTED", 403: "PERMISSION_DENIED"}.get(fault.status, "UNAVAILABLE")
                return fault.status, _google_error(fault.status, status_name, fault.reason)
            sheets = self._spreadsheets.get(spreadsheet_id)
        if sheets is None:
            return 404, _google_error(404, "NOT_FOUND")
        if a1 is None:
            return self._metadata(spreadsheet_id, sheets, query)
        return self._values(sheets, a1, query)

    def _metadata(self, spreadsheet_id: str, sheets: list[FakeSheet], query: dict[str, str]) -> tuple[int, Any]:
        if "fields" not in query or query.get("includeGridData", "false") != "false":
            return 400, _google_error(400, "INVALID_ARGUMENT")  # this fake serves no cells here
        return 200, {
            "spreadsheetId": spreadsheet_id,
            "sheets": [
                {
                    "properties": {
                        "sheetId": index,
                        "title": sheet.title,
                        "index": index,
                        "gridProperties": {"rowCount": sheet.row_count, "columnCount": sheet.column_count},
                    }
                }
                for index, sheet in enumerate(sheets)
            ],
        }

    def _values(self, sheets: list[FakeSheet], a1: str, query: dict[str, str]) -> tuple[int, Any]:
        title, first_col, last_col, first_row, last_row = parse_a1(a1)
        sheet = sheets[0] if title is None else next((s for s in sheets if s.title == title), None)
        if sheet is None or first_row < 1 or last_row < first_row:
            return 400, _google_error(400, "INVALID_ARGUMENT")
        render = query.get("valueRenderOption", "FORMATTED_VALUE")
        convert = _unformatted if render == "UNFORMATTED_VALUE" else _formatted
        rows = []
        for row in range(first_row, min(last_row, sheet.row_count) + 1):
            cells = sheet.cells(row)[first_col : last_col + 1]
            rows.append([convert(cell) for cell in cells])
        body: dict[str, Any] = {"range": a1, "majorDimension": "ROWS"}
        values = _trimmed(rows)
        if values:
            body["values"] = values
        return 200, body

    # --- admin (HTTP hooks for make run and the benchmark) ------------------------------------

    def admin(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if method == "GET" and path == "/_fake/stats":
            with self._lock:
                return 200, dict(self.stats.counts)
        if not isinstance(body, dict):
            return 400, {"error": "send a JSON object"}
        if path == "/_fake/spreadsheets":
            spreadsheet_id = str(body.get("spreadsheet_id") or secrets.token_urlsafe(30))
            rows = body.get("rows")
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                return 400, {"error": "rows must be a list of lists"}
            self.load_sheet(spreadsheet_id, rows, title=str(body.get("title") or "Sheet1"))
            return 201, {"spreadsheet_id": spreadsheet_id}
        if path == "/_fake/spreadsheets/generate":
            spreadsheet_id = str(body.get("spreadsheet_id") or secrets.token_urlsafe(30))
            self.generate_sheet(spreadsheet_id, int(body.get("rows", 100)), columns=int(body.get("columns", 10)))
            return 201, {"spreadsheet_id": spreadsheet_id}
        if path == "/_fake/tokens":  # a valid access token without a consent (benchmarks)
            self.grant(str(body["token"]))
            return 201, {}
        if path == "/_fake/faults":
            self.fail([int(s) for s in body.get("statuses", [])], kind=str(body.get("kind", "values")))
            return 201, {}
        if path == "/_fake/stats/reset":
            self.reset_counts()
            return 200, {}
        return 404, {"error": "unknown hook"}


def _google_error(status: int, name: str, reason: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": status, "message": f"fake {name}", "status": name}
    if reason:
        error["errors"] = [{"reason": reason, "domain": "usageLimits"}]
    return {"error": error}


class _Handler(QuietHandler):
    google: ClassVar[FakeGoogle]

    def _json(self, status: int, body: Any, extra: dict[str, str] | None = None) -> None:
        headers = [("Content-Type", "application/json; charset=UTF-8"), *(extra or {}).items()]
        self.send(status, headers, json.dumps(body).encode())

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        headers = {key.lower(): value for key, value in self.headers.items()}
        if parts.path == "/o/oauth2/auth":
            status, response_headers, body = self.google.authorize(query)
            self.send(status, list(response_headers.items()), body)
        elif parts.path.startswith("/v4/spreadsheets/"):
            status, payload = self.google.sheets_get(parts.path, query, headers)
            self._json(status, payload)
        elif parts.path.startswith("/_fake/"):
            status, payload = self.google.admin("GET", parts.path, None)
            self._json(status, payload)
        else:
            self._json(404, _google_error(404, "NOT_FOUND"))

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        raw = self.read_body(10 * 1024 * 1024) or b""
        if parts.path == "/token":
            form = {key: values[-1] for key, values in parse_qs(raw.decode(), keep_blank_values=True).items()}
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, payload = self.google.token(headers, form)
            self._json(status, payload, {"Cache-Control": "no-store"})
        elif parts.path.startswith("/_fake/"):
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                self._json(400, {"error": "not JSON"})
                return
            status, payload = self.google.admin("POST", parts.path, body)
            self._json(status, payload)
        else:
            self._json(404, _google_error(404, "NOT_FOUND"))


DEMO_ROWS: list[list[Cell]] = [
    ["Name", "Mobile", "E-mail", "Company", "Notes", "Internal ref"],
    ["Ravi Menon", "090000 11223", "ravi.menon@example.com", "Menon Traders", "Met at the Pune expo", "R-001"],
    ["Asha Rao", Formatted(9812345678, "09812345678"), "", "Rao & Sons", "", "R-002"],
    ["Meera Iyer", "", "meera@example.org", "Iyer Textiles", "Call after 5pm", "R-003"],
    ["", "", "", "", "", "R-004"],
    ["Vikram Singh", "not a number", "vikram@example.net", "", "", "R-005"],
]


def main(argv: list[str] | None = None) -> int:
    """``python -m local.fake_google [--port N]``: serve until SIGTERM/SIGINT (benchmarks)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    google = FakeGoogle(args.host, args.port).start()
    google.load_sheet(DEMO_SPREADSHEET_ID, DEMO_ROWS, title="Leads")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(google.url, flush=True)
    try:
        stop.wait()
    finally:
        google.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
