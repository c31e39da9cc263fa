"""What travels sealed (KMS ciphertext) between the steps of an import, and nowhere else.

The spreadsheet id, sheet title, column mapping, PKCE verifier and access token are Google
Sheets-related data or secrets, and the receiving account's masked email is personal data: they
never appear in a job item, a workflow payload or a log.
Between the API call and the callback they are sealed on the OAuth state item (≤ 10 minutes);
between the callback and the end of the import, with the access token, on the token item
(≤ 1 hour, deleted when the import ends).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from shared.imports.mapping import Columns
from shared.privacy import Pii


class SheetRequest(NamedTuple):
    spreadsheet_id: str
    sheet_title: str | None  # None: the first sheet (resolved by the prepare step)
    header_row: int
    mapping: dict[str, str] | None  # header → lead field; None: match headers by name
    columns: Columns | None = None  # resolved by the prepare step

    def to_dict(self) -> dict[str, Any]:
        return {
            "spreadsheet_id": self.spreadsheet_id,
            "sheet_title": self.sheet_title,
            "header_row": self.header_row,
            "mapping": self.mapping,
            "columns": {name: list(indexes) for name, indexes in self.columns.items()} if self.columns else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SheetRequest:
        columns = data.get("columns")
        return cls(
            spreadsheet_id=str(data["spreadsheet_id"]),
            sheet_title=data.get("sheet_title"),
            header_row=int(data["header_row"]),
            mapping=data.get("mapping"),
            columns={name: tuple(indexes) for name, indexes in columns.items()} if columns else None,
        )

    def resolved(self, sheet_title: str, columns: Columns) -> SheetRequest:
        return self._replace(sheet_title=sheet_title, columns=columns)


class PendingAuthorization(NamedTuple):
    """Sealed on the OAuth state: what the consent page shows (the receiving account, masked) and
    what the callback needs to finish the authorization."""

    code_verifier: Pii[str]
    sheet: SheetRequest
    account: str = ""  # the receiving account's masked email, e.g. a***@example.com

    def to_bytes(self) -> bytes:
        return json.dumps(
            {"v": self.code_verifier.reveal(), "sheet": self.sheet.to_dict(), "account": self.account}
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> PendingAuthorization:
        plain = json.loads(data)
        return cls(
            code_verifier=Pii(str(plain["v"])),
            sheet=SheetRequest.from_dict(plain["sheet"]),
            account=str(plain.get("account") or ""),
        )


class ImportAccess(NamedTuple):
    """Sealed on the token item: what the workflow steps need to read the sheet."""

    access_token: Pii[str]
    sheet: SheetRequest

    def to_bytes(self) -> bytes:
        return json.dumps({"t": self.access_token.reveal(), "sheet": self.sheet.to_dict()}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> ImportAccess:
        plain = json.loads(data)
        return cls(access_token=Pii(str(plain["t"])), sheet=SheetRequest.from_dict(plain["sheet"]))
