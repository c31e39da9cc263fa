"""Activities and file records by lead-id range (shared/leads/children.py ``LeadChildren``), in
memory: child keys as DynamoDB would hold them, ``ACT#<lead>#<own>`` / ``FILE#<lead>#<own>``."""

from __future__ import annotations

from typing import Any

from ulid import ULID

from shared.core.layout import ACTIVITY_PREFIX, FILE_PREFIX


class FakeChildren:
    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], dict[str, Any]] = {}  # (user, sk) → key

    def add(self, user_id: str, lead_id: str, *, file: bool = False) -> str:
        sk = f"{FILE_PREFIX if file else ACTIVITY_PREFIX}{lead_id}#{ULID()}"
        self.keys[(user_id, sk)] = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": sk}}
        return sk

    def of(self, user_id: str, lead_id: str) -> list[str]:
        return [sk for owner, sk in self.keys if owner == user_id and sk.split("#")[1] == lead_id]

    def in_range(self, user_id: str, first_lead: str, last_lead: str) -> list[dict[str, Any]]:
        return [
            key
            for (owner, sk), key in sorted(self.keys.items())
            if owner == user_id and first_lead <= sk.split("#")[1] <= last_lead
        ]

    def delete(self, user_id: str, keys: list[dict[str, Any]]) -> int:
        gone = [k for k in keys if self.keys.pop((user_id, k["sk"]["S"]), None) is not None]
        return len(gone)
