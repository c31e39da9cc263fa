"""Google Sheets API v4 over plain REST with urllib3 (already loaded by botocore).

Two calls: ``spreadsheets.get`` with a fields mask (sheet titles and grid sizes, no cells) and
``spreadsheets.values.get`` for one A1 range. No discovery document and no generated client:
building googleapiclient's ``spreadsheets()`` resource costs ~0.5 s and ~67 MiB of cold start.
No google-auth either: the import holds an access token and no refresh token (online access),
so all a request needs is the bearer header; google-auth's session and requests would add
≈ 50-80 ms to every workflow step's cold start for that (measured with ``python -X importtime``).

Retries: 429, 5xx and rate-limit 403s, with exponential backoff and full jitter (honouring
Retry-After); connection errors likewise. 401 means the token is no longer accepted. Nothing is
logged here: URLs carry the spreadsheet id and sheet title.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, Literal, NamedTuple
from urllib.parse import quote, urlencode

import urllib3

from shared.core.retry import Backoff, retry_after_seconds
from shared.imports.errors import AuthorizationExpired, SheetAccessDenied, SheetNotFound, SheetsUnavailable
from shared.privacy import Pii

Render = Literal["FORMATTED_VALUE", "UNFORMATTED_VALUE"]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
GRID_FIELDS = "sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))"


class SheetGrid(NamedTuple):
    title: str
    row_count: int
    column_count: int


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def a1_range(title: str, first_column: int, last_column: int, first_row: int, last_row: int) -> str:
    quoted = "'" + title.replace("'", "''") + "'"
    return f"{quoted}!{column_letters(first_column)}{first_row}:{column_letters(last_column)}{last_row}"


def _json(response: urllib3.BaseHTTPResponse) -> Any:
    """The body as JSON; ValueError for anything else (UnicodeDecodeError is one)."""
    return json.loads(response.data)


def _reasons(response: urllib3.BaseHTTPResponse) -> set[str]:
    try:
        error = _json(response).get("error", {})
    except (ValueError, AttributeError):
        return set()
    if not isinstance(error, dict):
        return set()
    reasons = {str(error.get("status", ""))}
    for entry in error.get("errors", []) or []:
        if isinstance(entry, dict):
            reasons.add(str(entry.get("reason", "")))
    for detail in error.get("details", []) or []:
        if isinstance(detail, dict):
            reasons.add(str(detail.get("reason", "")))
    return reasons


class SheetsClient:
    """Integrations: Google Sheets API (spreadsheets.get, spreadsheets.values.get)."""

    def __init__(
        self,
        access_token: Pii[str],
        base_url: str,
        *,
        max_attempts: int = 5,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 20.0,
        timeout: tuple[float, float] = (3.05, 60.0),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        # No refresh token exists (access_type=online): a 401 is final, never a refresh attempt.
        # Retries are ours (below), redirects are not followed: the Sheets API sends none.
        self._http = urllib3.PoolManager(
            headers={
                "Authorization": f"Bearer {access_token.reveal()}",
                "Accept": "application/json",
                "Accept-Encoding": "gzip",
            },
            timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]),
            retries=False,
        )
        self._base = base_url.rstrip("/")
        self._backoff = Backoff(base_s=backoff_base_s, cap_s=backoff_cap_s, max_attempts=max_attempts, sleep=sleep)
        self.requests_made = 0  # every HTTP request, retries included
        self.retries = 0

    def close(self) -> None:
        self._http.clear()

    def __enter__(self) -> SheetsClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _get(self, path: str, params: dict[str, str]) -> Any:
        url = f"{self._base}{path}?{urlencode(params)}"
        for attempt in range(self._backoff.max_attempts):
            response: urllib3.BaseHTTPResponse | None = None
            try:
                self.requests_made += 1
                response = self._http.request("GET", url)
            except urllib3.exceptions.HTTPError:  # refused, reset, timed out, cut short
                response = None
            else:
                status = response.status
                if status == 200:
                    try:
                        return _json(response)
                    except ValueError:
                        pass  # a truncated body: retry like a 5xx
                elif status == 401:
                    raise AuthorizationExpired()
                elif status in (400, 404):  # 400: "Unable to parse range", an unknown sheet title
                    raise SheetNotFound()
                elif status == 403 and not (_reasons(response) & RATE_LIMIT_REASONS):
                    raise SheetAccessDenied()
                elif status not in RETRY_STATUSES and status != 403:
                    raise SheetsUnavailable()
            if self._backoff.can_retry(attempt):
                self.retries += 1
                retry_after = retry_after_seconds(response.headers.get("Retry-After")) if response else None
                self._backoff.pause(attempt, retry_after)
        raise SheetsUnavailable()

    def grid(self, spreadsheet_id: str, sheet_title: str | None) -> SheetGrid:
        """The named sheet's (or the first sheet's) title and grid size; no cell is read."""
        document = self._get(f"/v4/spreadsheets/{quote(spreadsheet_id, safe='')}", {"fields": GRID_FIELDS})
        sheets = [s.get("properties", {}) for s in document.get("sheets", []) if isinstance(s, dict)]
        sheets.sort(key=lambda p: int(p.get("index", 0)))
        for properties in sheets:
            if sheet_title is None or properties.get("title") == sheet_title:
                grid = properties.get("gridProperties", {})
                return SheetGrid(
                    title=str(properties.get("title", "")),
                    row_count=int(grid.get("rowCount", 0)),
                    column_count=int(grid.get("columnCount", 0)),
                )
        raise SheetNotFound()

    def values(self, spreadsheet_id: str, a1: str, render: Render) -> list[list[Any]]:
        """Rows of one range (trailing empty rows and cells omitted, as Google sends them)."""
        params = {"valueRenderOption": render, "majorDimension": "ROWS"}
        if render == "UNFORMATTED_VALUE":
            params["dateTimeRenderOption"] = "FORMATTED_STRING"
        path = f"/v4/spreadsheets/{quote(spreadsheet_id, safe='')}/values/{quote(a1, safe='')}"
        values = self._get(path, params).get("values", [])
        return values if isinstance(values, list) else []
