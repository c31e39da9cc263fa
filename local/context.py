"""The Lambda context object and the function registry shared by the gateway and the Lambda edge.

Both front doors (HTTP API and Lambda Invoke) call handlers in-process; what they share is the
answer to "which callable is function X", and the context Lambda would pass it.
"""

from __future__ import annotations

import decimal
import importlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from shared.resources import FUNCTIONS, FunctionSpec

ACCOUNT_ID = "123456789012"  # moto's default account

Handler = Callable[[Any, Any], Any]
"""``handler(event, context)`` as Lambda calls it."""


@dataclass
class LambdaContext:
    """The attributes and method of ``awslambdaric``'s context that handlers and Powertools use."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: float
    region: str
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    client_context: Any = None
    identity: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if not self._deadline:
            self._deadline = time.monotonic() + self.timeout_s

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"{time.strftime('%Y/%m/%d')}/[{self.function_version}]local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class LocalFunction:
    """A function as the local runtime knows it: a handler plus the limits Lambda would apply."""

    name: str
    handler: Handler
    memory_mb: int = 128
    timeout_s: float = 3
    # API functions run one at a time in the process (see ``_invocations``); workflow steps and
    # jobs (no routes, no resolver) run beside them, as a step may wait on what the API does.
    serialized: bool = True

    def context(self, region: str) -> LambdaContext:
        return LambdaContext(
            function_name=self.name,
            memory_limit_in_mb=self.memory_mb,
            timeout_s=self.timeout_s,
            region=region,
        )


def import_handler(module: str) -> Handler:
    """``module.handler``; imported on first use so one missing module breaks only its routes."""
    handler: Handler = importlib.import_module(module).handler
    return handler


class FunctionRegistry:
    """Function name → handler. Defaults to every ``FunctionSpec``, imported lazily."""

    def __init__(self, specs: tuple[FunctionSpec, ...] = FUNCTIONS) -> None:
        self._lock = threading.Lock()
        self._specs = {spec.name: spec for spec in specs}
        self._functions: dict[str, LocalFunction] = {}

    def register(self, name: str, handler: Handler, *, memory_mb: int = 128, timeout_s: float = 3) -> None:
        """Add (or replace) a function; spec functions keep their spec memory and timeout."""
        spec = self._specs.get(name)
        serialized = True
        if spec is not None:
            memory_mb, timeout_s, serialized = spec.memory_mb, spec.timeout_s, bool(spec.routes)
        with self._lock:
            self._functions[name] = LocalFunction(name, handler, memory_mb, timeout_s, serialized)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._functions.pop(name, None)

    @contextmanager
    def overridden(self, name: str, handler: Handler) -> Iterator[None]:
        """Temporarily replace one function (tests), restoring whatever was there before."""
        with self._lock:
            previous = self._functions.get(name)
        self.register(name, handler)
        try:
            yield
        finally:
            with self._lock:
                if previous is None:
                    self._functions.pop(name, None)
                else:
                    self._functions[name] = previous

    def names(self) -> list[str]:
        with self._lock:
            return sorted(set(self._specs) | set(self._functions))

    def get(self, name: str) -> LocalFunction | None:
        """The function, importing a spec function's module on first use; ``None`` if unknown.

        Import errors propagate: the caller answers them the way Lambda answers an init failure.
        """
        with self._lock:
            function = self._functions.get(name)
        if function is not None:
            return function
        spec = self._specs.get(name)
        if spec is None:
            return None
        function = LocalFunction(
            spec.name, import_handler(spec.module), spec.memory_mb, spec.timeout_s, serialized=bool(spec.routes)
        )
        with self._lock:
            return self._functions.setdefault(name, function)


class FunctionTimeoutError(Exception):
    """The handler ran past its timeout; Lambda would have stopped it and reported a failure."""


class MarshalError(Exception):
    """The handler returned something Lambda's runtime cannot serialize to JSON."""


def _runtime_json_default(value: object) -> object:
    # The Python runtime (awslambdaric) serializes Decimal as float; nothing else non-JSON.
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


_running = threading.local()
# One API invocation at a time in the process. A Lambda execution environment runs one invocation
# at a time, and each function has environments of its own; here every function shares one
# interpreter, and Powertools keeps the current event on its ``BaseRouter`` CLASS (not on each
# resolver): a leads request and an activities request run at once on two threads would read each
# other's event, i.e. another user's identity (`make load` saw it as stray 404s). Functions
# without routes (workflow steps, jobs) use no resolver and run beside them: a step may wait on
# what the API does meanwhile. Re-entrant: a function may run another on its own thread.
_invocations = threading.RLock()


def current_function() -> str | None:
    """The local function running on this thread, if any: lets a test tell a request's AWS calls
    from those of work running beside it (an erasure workflow started a moment earlier)."""
    name: str | None = getattr(_running, "name", None)
    return name


def run(function: LocalFunction, event: Any, region: str) -> bytes:
    """Call the handler the way the Lambda runtime does and return the JSON it would send back.

    Timeouts are checked after the fact (a thread cannot be killed): slower than the configured
    timeout is a failure locally too, so slow code is noticed before production.
    """
    with _invocations if function.serialized else nullcontext():
        # Clock and context start once the environment is free, as Lambda's do.
        context = function.context(region)
        started = time.monotonic()
        outer, _running.name = current_function(), function.name
        try:
            result = function.handler(event, context)
        finally:
            _running.name = outer
    if time.monotonic() - started > function.timeout_s:
        raise FunctionTimeoutError
    try:
        return json.dumps(result, default=_runtime_json_default).encode()
    except (TypeError, ValueError) as error:
        raise MarshalError from error
