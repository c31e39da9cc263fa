"""The unit suite's network block must be able to fail a test, or "no network" proves nothing."""

from __future__ import annotations

import _socket
import socket
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import HTTPClientError

from tests.unit.conftest import NetworkBlocked


@pytest.fixture
def listener() -> Iterator[tuple[str, int]]:
    """A real listening socket on loopback, made below the patched ``socket.socket`` class."""
    server = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()
    finally:
        server.close()


def test_a_connection_to_a_listening_port_fails_in_unit_tests(listener: tuple[str, int]) -> None:
    raw = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        raw.connect(listener)  # control: the port does accept connections
    finally:
        raw.close()
    with pytest.raises(NetworkBlocked):
        socket.create_connection(listener, timeout=1)


def test_an_aws_client_cannot_reach_an_endpoint(listener: tuple[str, int]) -> None:
    host, port = listener
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://{host}:{port}",
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(HTTPClientError) as refused:  # botocore wraps whatever the socket raised
        client.list_tables()
    assert isinstance(refused.value.kwargs["error"], NetworkBlocked)


def test_no_server_can_be_started_in_unit_tests() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked):
            server.bind(("127.0.0.1", 0))
    finally:
        server.close()
