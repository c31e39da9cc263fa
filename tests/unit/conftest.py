"""Unit tests run with the network blocked: logic is tested against the fakes in tests/fakes, so
a test that reaches for moto, a local server or AWS fails at once instead of quietly passing."""

from __future__ import annotations

import socket
from typing import Any

import pytest

NETWORK_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class NetworkBlocked(RuntimeError):
    """Not an OSError on purpose: clients that retry or fall back on socket errors cannot swallow it."""


def _refuse(original: Any) -> Any:
    def guarded(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family in NETWORK_FAMILIES:
            raise NetworkBlocked("unit tests have no network: use tests/fakes, or write an integration test")
        return original(self, *args, **kwargs)

    return guarded


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No connection out and no server in: connect, connect_ex and bind refuse IP sockets."""
    for method in ("connect", "connect_ex", "bind"):
        monkeypatch.setattr(socket.socket, method, _refuse(getattr(socket.socket, method)))
