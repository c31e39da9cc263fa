"""The HTTP server in front of ``HttpApi``: API Gateway's HTTP API on a local port.

What API Gateway does with a request is local/http_api.py's; this module only moves bytes between
a socket and it, and writes one log line per request: route key, status and duration — never the
path (paths carry ids), a header or a body.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from email.utils import formatdate
from typing import Any, ClassVar

from local._http import QuietHandler, StoppableServer
from local.context import FunctionRegistry
from local.http_api import MAX_REQUEST_BYTES, HandlerResolver, HttpApi
from local.throttle import Throttle
from shared.resources import FunctionSpec, RouteSpec

LOG = logging.getLogger("local_aws.gateway")


class Gateway:
    """HTTP server with API Gateway's HTTP API semantics for the routes in ``shared.resources``."""

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        client_ids: Sequence[str],
        region: str = "us-east-1",
        host: str = "127.0.0.1",
        port: int = 0,
        registry: FunctionRegistry | None = None,
        resolver: HandlerResolver | None = None,
        routes: Sequence[tuple[FunctionSpec, RouteSpec]] | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.api = HttpApi(
            jwks_url=jwks_url,
            issuer=issuer,
            client_ids=client_ids,
            region=region,
            registry=registry,
            resolver=resolver,
            routes=routes,
            throttle=throttle,
        )
        handler = type("_BoundGatewayHandler", (_GatewayHandler,), {"api": self.api})
        self._server = StoppableServer(host, port, handler)

    @property
    def throttle(self) -> Throttle | None:
        return self.api.throttle

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start("api-gateway")

    def stop(self) -> None:
        self._server.stop()


class _GatewayHandler(QuietHandler):
    api: ClassVar[HttpApi]

    def _dispatch(self) -> None:
        started = time.perf_counter()
        body = self.read_body(MAX_REQUEST_BYTES)
        route_key, (status, headers, content) = self.api.handle(
            self.command, self.request_target, list(self.headers.items()), body, self.client_address[0]
        )
        if not any(name.lower() == "date" for name, _ in headers):
            headers.append(("date", formatdate(usegmt=True)))
        # Route key, never the raw path: paths carry ids. Unmatched requests log "<method> -".
        # Logged before the answer is sent, so whoever got the answer can already see the line.
        LOG.info("%s %d %.1fms", route_key, status, (time.perf_counter() - started) * 1000)
        self.send(status, headers, content)

    @property
    def request_target(self) -> str:
        """The target exactly as sent. ``self.path`` is not: the stdlib turns a leading ``//``
        into ``/`` (a guard against open redirects in file servers), which would route
        ``//v1/leads`` as ``/v1/leads`` where API Gateway matches no route."""
        words = self.requestline.split()
        return words[1] if len(words) == 3 else self.path

    def send_response(self, code: int, message: str | None = None) -> None:
        # No Server/Date from the stdlib: headers come from the mapped response only.
        self.send_response_only(code, message)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, …) gets API Gateway's answer for a route it does not
        # have — 404 Not Found — rather than the stdlib's 501.
        if name.startswith("do_"):
            return self._dispatch
        raise AttributeError(name)
