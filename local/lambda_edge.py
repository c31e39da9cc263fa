"""Lambda's Invoke API in front of moto.

moto cannot run Lambda code without docker, and its Step Functions interpreter sends every AWS
call (Lambda included) to ``http://localhost:{MOTO_PORT}``. Pointing ``MOTO_PORT`` here makes
this server the one place where ``Invoke`` runs our handlers in-process while every other request
is relayed to moto unchanged, so workflows built from real ASL call real handlers locally.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from local._http import QuietHandler, StoppableServer, relay
from local.context import (
    ACCOUNT_ID,
    FunctionRegistry,
    FunctionTimeoutError,
    Handler,
    LocalFunction,
    MarshalError,
    run,
)

LOG = logging.getLogger("local_aws.lambda")

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")
_ARN = re.compile(r"^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:(?P<name>[^:]+)(?::[^:]+)?$")
_PARTIAL_ARN = re.compile(r"^\d{12}:function:(?P<name>[^:]+)(?::[^:]+)?$")
MAX_SYNC_PAYLOAD = 6 * 1024 * 1024  # Lambda's request and response limit for RequestResponse
MAX_ASYNC_PAYLOAD = 1024 * 1024  # and for InvocationType=Event


def function_name_from(identifier: str) -> str:
    """Name from any form Invoke accepts: ``name``, ``name:qualifier``, partial or full ARN."""
    for pattern in (_ARN, _PARTIAL_ARN):
        match = pattern.match(identifier)
        if match:
            return match.group("name")
    return identifier.split(":", 1)[0]


def _error_payload(error: BaseException) -> tuple[str, dict[str, str]]:
    """The payload Lambda returns for an unhandled error, without the message text.

    Exception messages can carry personal data (a phone number that failed to parse), so only
    the type name leaves the process — the same policy the handlers follow for their logs.
    """
    if isinstance(error, FunctionTimeoutError):
        return "Sandbox.Timedout", {
            "errorType": "Sandbox.Timedout",
            "errorMessage": "Task timed out",
        }
    if isinstance(error, MarshalError):
        return "Runtime.MarshalError", {
            "errorType": "Runtime.MarshalError",
            "errorMessage": "Unable to marshal response",
        }
    if isinstance(error, ImportError):
        return "Runtime.ImportModuleError", {
            "errorType": "Runtime.ImportModuleError",
            "errorMessage": type(error).__name__,
        }
    name = type(error).__name__
    return name, {"errorMessage": name, "errorType": name}


class LambdaEdge:
    """HTTP server: Lambda ``Invoke`` runs registered handlers; everything else goes to moto."""

    def __init__(
        self,
        moto_url: str,
        registry: FunctionRegistry | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
    ) -> None:
        self.registry = registry if registry is not None else FunctionRegistry()
        self.region = region
        upstream = urlsplit(moto_url)
        self._moto_host = upstream.hostname or "127.0.0.1"
        self._moto_port = upstream.port or 80
        self._async_lock = threading.Lock()
        self._async_threads: set[threading.Thread] = set()
        handler = type("_BoundEdgeHandler", (_EdgeHandler,), {"edge": self})
        self._server = StoppableServer(host, port, handler)

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start("lambda-edge")

    def stop(self) -> None:
        self._server.stop()
        with self._async_lock:
            threads = list(self._async_threads)
        for thread in threads:
            thread.join(5.0)

    def register(self, name: str, handler: Handler, *, memory_mb: int = 128, timeout_s: float = 3) -> None:
        """Make ``handler`` invocable as Lambda function ``name``."""
        self.registry.register(name, handler, memory_mb=memory_mb, timeout_s=timeout_s)

    # --- invocation ---------------------------------------------------------------------------

    def invoke(self, function: LocalFunction, event: Any) -> tuple[bytes, str | None]:
        """Run one invocation: (payload, function error type or ``None``), logged by type only."""
        started = time.perf_counter()
        try:
            payload, error = run(function, event, self.region), None
        except Exception as exc:  # the handler's failure is the caller's answer, not ours
            error, body = _error_payload(exc)
            payload = json.dumps(body).encode()
        LOG.info(
            "invoke %s %s %.1fms",
            function.name,
            error or "ok",
            (time.perf_counter() - started) * 1000,
        )
        return payload, error

    def invoke_async(self, function: LocalFunction, event: Any) -> None:
        """``InvocationType=Event``: accepted now, run on a thread that ``stop()`` waits for."""

        def target() -> None:
            try:
                self.invoke(function, event)
            finally:
                with self._async_lock:
                    self._async_threads.discard(threading.current_thread())

        thread = threading.Thread(target=target, name=f"invoke-{function.name}", daemon=True)
        with self._async_lock:
            self._async_threads.add(thread)
        thread.start()

    def forward(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes, str | None]:
        """Relay one request to moto verbatim; returns status, headers, body, Content-Length."""
        return relay(self._moto_host, self._moto_port, method, target, headers, body)


class _EdgeHandler(QuietHandler):
    edge: ClassVar[LambdaEdge]

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        match = _INVOKE_PATH.match(path) if self.command == "POST" else None
        if match is None:
            body = self.read_body() or b""
            status, headers, content, length = self.edge.forward(
                self.command, self.path, list(self.headers.items()), body
            )
            self.send(status, headers, content, length)
            return
        self._invoke(function_name_from(unquote(match.group("name"))))

    def _invoke(self, name: str) -> None:
        request_id = str(uuid.uuid4())
        invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        limit = MAX_ASYNC_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD
        body = self.read_body(limit)
        if body is None:
            self._error(413, "RequestTooLargeException", "Request must be smaller than the limit")
            return
        try:
            event = json.loads(body) if body.strip() else {}
        except ValueError:
            self._error(400, "InvalidRequestContentException", "Could not parse request body")
            return
        try:
            function = self.edge.registry.get(name)
        except Exception as exc:  # init failure: Lambda reports it as the invocation's error
            LOG.info("invoke %s %s", name, type(exc).__name__)
            error_type, error_body = _error_payload(exc)
            self._result(200, request_id, json.dumps(error_body).encode(), error_type)
            return
        if function is None:
            arn = f"arn:aws:lambda:{self.edge.region}:{ACCOUNT_ID}:function:{name}"
            self._error(404, "ResourceNotFoundException", f"Function not found: {arn}")
            return
        if invocation_type == "DryRun":
            self._result(204, request_id, b"", None)
        elif invocation_type == "Event":
            self.edge.invoke_async(function, event)
            self._result(202, request_id, b"", None)
        else:
            payload, error = self.edge.invoke(function, event)
            self._result(200, request_id, payload, error)

    def _result(self, status: int, request_id: str, payload: bytes, error: str | None) -> None:
        headers = [
            ("Content-Type", "application/json"),
            ("X-Amz-Executed-Version", "$LATEST"),
            ("x-amzn-RequestId", request_id),
        ]
        if error:
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        self.send(status, headers, payload)

    def _error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"Type": "User", "message": message}).encode()
        headers = [
            ("Content-Type", "application/json"),
            ("x-amzn-ErrorType", code),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ]
        self.send(status, headers, body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch
