"""moto's server, one request at a time.

moto's backends are module-level dicts and lists that its request handlers mutate without locks.
``ThreadedMotoServer`` serves each request on its own thread, so under concurrent clients one
request iterates a table's items while another adds one: TransactWriteItems failed with
"dictionary changed size during iteration" under 20 load clients, and a Query could miss an item
it should have seen. AWS itself is safe under any concurrency, so the stand-in must be too.

The seam is moto's WSGI application: every request the stack sends to moto (functions, the Lambda
edge's relays, Step Functions' own service calls, tests' clients) runs inside one process-wide
lock, response body included. Code that touches moto's backends in-process (a test filling a
table directly) takes the same lock with :func:`serialized`. Requests are short (a GIL-bound
interpreter ran them one at a time anyway, give or take), and no moto handler calls moto back
while it holds the lock: Step Functions executions run on their own threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from local import moto_transactions

# One per process: moto's backends are one per process.
_MOTO_LOCK = threading.RLock()

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@contextmanager
def serialized() -> Iterator[None]:
    """Hold moto's backends for in-process access: no request is served meanwhile."""
    with _MOTO_LOCK:
        yield


class _OneAtATime:
    """WSGI middleware: the wrapped application handles one request at a time, from the call to
    the last byte of its body (a lazy body could still read the backends)."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with _MOTO_LOCK:
            result = self._app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()


class SerializedMotoServer(ThreadedMotoServer):
    """``ThreadedMotoServer`` whose application serves one request at a time."""

    def _server_entry(self) -> None:
        # ThreadedMotoServer._server_entry (moto 5.2.5) with the application wrapped.
        moto_transactions.install()  # one table backup per transaction, not one per item
        app = _OneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()
