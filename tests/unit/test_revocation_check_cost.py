"""The revocation check's read units (shared/core/identity.py): a request that writes reads the
marker consistently (refused at once), one that only reads pays half, and a "revoked" answer is
kept until the marker expires, while an absent one never is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.core import identity, request_checks
from shared.core.dynamodb import ser
from shared.core.identity import Revocations, revocation_marker

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
USER = "3f0c1c9e-1111-4222-8333-944445555666"


class MarkerTable:
    """GetItem of the revocation marker, counting the consistency each call asked for."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.reads: list[bool] = []

    def get_item(self, *, TableName: str, Key: dict[str, Any], ConsistentRead: bool) -> dict[str, Any]:
        self.reads.append(ConsistentRead)
        item = self.items.get(Key["pk"]["S"])
        return {"Item": item} if item else {}

    def revoke(self, user_id: str, now: datetime) -> None:
        marker = revocation_marker(user_id, now)
        self.items[marker["pk"]] = {name: ser(value) for name, value in marker.items()}


def event(method: str) -> dict[str, Any]:
    return {
        "requestContext": {"http": {"method": method}, "authorizer": {"jwt": {"claims": {"sub": USER}}}},
        "headers": {},
        "body": None,
    }


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> MarkerTable:
    fake = MarkerTable()
    checks = Revocations(fake, "table")
    monkeypatch.setattr(identity, "revocations", lambda: checks)
    monkeypatch.setattr(request_checks, "utcnow", lambda: NOW)
    return fake


@pytest.mark.parametrize(("method", "consistent"), [("GET", False), ("POST", True), ("PATCH", True), ("DELETE", True)])
def test_only_requests_that_write_pay_for_a_consistent_read(table: MarkerTable, method: str, consistent: bool) -> None:
    assert request_checks.refusal_for_revoked_token(event(method)) is None
    assert table.reads == [consistent]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_deleted_accounts_token_is_refused_whatever_the_method(table: MarkerTable, method: str) -> None:
    table.revoke(USER, NOW)
    refusal = request_checks.refusal_for_revoked_token(event(method))
    assert refusal is not None
    assert refusal["statusCode"] == 401


def test_a_revoked_answer_is_kept_and_an_absent_one_is_not(table: MarkerTable) -> None:
    request_checks.refusal_for_revoked_token(event("GET"))
    request_checks.refusal_for_revoked_token(event("GET"))
    assert len(table.reads) == 2  # "not revoked" can change at any time: read again
    table.revoke(USER, NOW)
    for _ in range(3):
        assert request_checks.refusal_for_revoked_token(event("POST")) is not None
    assert len(table.reads) == 3  # the first "revoked" answer is kept


def test_a_kept_revocation_ends_when_its_marker_expires() -> None:
    fake = MarkerTable()
    checks = Revocations(fake, "table")
    fake.revoke(USER, NOW)
    assert checks.is_revoked(USER, NOW)
    fake.items.clear()  # TTL removed the marker
    later = NOW + timedelta(seconds=identity.REVOCATION_SECONDS + 1)
    assert not checks.is_revoked(USER, later)
    assert len(fake.reads) == 2
