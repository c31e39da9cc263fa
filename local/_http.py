"""A small threaded HTTP server that can be stopped for real (port freed, threads joined).

``ThreadingHTTPServer`` alone leaves keep-alive connections (boto3 and requests keep them) parked
in daemon threads after ``shutdown()``; this one tracks the open connections, closes them on
``stop()`` and joins their threads, so a test session that starts and stops stacks leaks nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOG = logging.getLogger("local_aws.http")

# Header names that describe one hop of a connection and must not be relayed (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def relay(
    host: str, port: int, method: str, target: str, headers: list[tuple[str, str]], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes, str | None]:
    """Send one request on to ``host:port`` verbatim (Host header included); returns status,
    headers, body and, for HEAD, the Content-Length to relay."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            # Expect: 100-continue was already answered by the server relaying the request.
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("content-length", "expect"):
                connection.putheader(name, value)
        if body or method in ("POST", "PUT", "PATCH"):
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body or None)
        response = connection.getresponse()
        content = response.read()
        length = response.getheader("Content-Length") if method == "HEAD" else None
        return response.status, response.getheaders(), content, length
    finally:
        connection.close()


class QuietHandler(BaseHTTPRequestHandler):
    """Keep-alive request handler that never logs on its own.

    ``BaseHTTPRequestHandler.log_message`` writes the raw request line (paths carry ids and file
    names) to stderr; callers log what they may log themselves.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; no 40 ms stalls
    server_version = "local"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def read_body(self, limit: int | None = None) -> bytes | None:
        """The request body (Content-Length or chunked); ``None`` when it exceeds ``limit``."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                total += size
                if limit is not None and total > limit:
                    self.close_connection = True
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if limit is not None and length > limit:
            self.close_connection = True  # the unread body makes the connection unusable
            return None
        return self.rfile.read(length) if length else b""

    def send(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        content_length: str | None = None,
    ) -> None:
        """Write a complete response; Content-Length is the body's unless given (HEAD relays)."""
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", content_length or str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class StoppableServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` run in a background thread, with a ``stop()`` that frees everything."""

    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: twenty clients connecting at once got resets.
    request_queue_size = 128

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__((host, port), handler)
        self._serve_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        host = self.server_address[0]
        return f"http://{host if isinstance(host, str) else host.decode()}:{self.port}"

    def start(self, name: str) -> None:
        self._serve_thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
        )
        self._serve_thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close idle keep-alive connections, join every thread, free the port."""
        if self._serve_thread is not None:
            self.shutdown()
            self._serve_thread.join(timeout)
            self._serve_thread = None
        self.server_close()
        with self._lock:
            connections = dict(self._connections)
        for sock in connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in connections.values():
            thread.join(timeout)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._lock:
                self._connections.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log the exception type only: the stdlib default prints a traceback with local values."""
        error = sys.exc_info()[1]
        level = logging.DEBUG if isinstance(error, OSError) else logging.ERROR
        LOG.log(level, "connection error %s", type(error).__name__)
