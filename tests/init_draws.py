"""Watch modules being imported for values drawn from a random source or the clock by our code.

With SnapStart, what a module computes at import is in the snapshot, shared by every restored
copy: an id, a token, a seed or a timestamp made then is the same everywhere. This watches every
call to the sources (``os.urandom`` — behind ``secrets``, ``uuid4`` and ULIDs —, ``random``'s
generator, ``time.time``/``time_ns``/``monotonic``/``perf_counter``, ``datetime.now``/``utcnow``/
``today``) while ``modules`` are imported, and reports each call made on behalf of code under
``roots``: walking out from the call, a frame of ours comes before the import machinery. A
library drawing at its own import (``random`` seeding itself) is the library's business.

``python -m tests.init_draws ROOT[,ROOT…] MODULE…`` prints the findings as JSON.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any

# By identity: what a profiler is handed may define __eq__ in surprising ways.
_SOURCES = {
    id(function): name
    for function, name in (
        (time.time, "time.time"),
        (time.time_ns, "time.time_ns"),
        (time.monotonic, "time.monotonic"),
        (time.monotonic_ns, "time.monotonic_ns"),
        (time.perf_counter, "time.perf_counter"),
        (time.perf_counter_ns, "time.perf_counter_ns"),
        (os.urandom, "os.urandom"),
    )
}
_CLASS_CLOCKS = {"now", "utcnow", "today", "fromtimestamp"}
_GENERATOR = {"random", "getrandbits"}


@dataclass(frozen=True)
class Finding:
    source: str
    location: str  # file:line of our frame that asked for it


def _source(function: Any) -> str | None:
    """The name of a random source or clock, if ``function`` (a C function) is one."""
    if id(function) in _SOURCES:
        return _SOURCES[id(function)]
    owner = getattr(function, "__self__", None)
    name = getattr(function, "__name__", "")
    if (owner is datetime.datetime or owner is datetime.date) and name in _CLASS_CLOCKS:
        return f"{owner.__name__}.{name}"
    if isinstance(owner, random.Random) and name in _GENERATOR:
        return f"random.{name}"
    return None


def _ours(frame: FrameType | None, roots: tuple[str, ...]) -> str | None:
    """Our frame responsible for the call, or None if the import machinery comes first."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen importlib"):
            return None
        if filename.startswith(roots):
            return f"{os.path.relpath(filename)}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def watch_imports(modules: list[str], roots: list[Path]) -> list[Finding]:
    prefixes = tuple(str(root.resolve()) + os.sep for root in roots)
    findings: list[Finding] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event != "c_call":
            return
        source = _source(arg)
        if source is None:
            return
        location = _ours(frame, prefixes)
        if location is not None:
            findings.append(Finding(source, location))

    sys.setprofile(profile)
    try:
        for module in modules:
            importlib.import_module(module)
    finally:
        sys.setprofile(None)
    return list(dict.fromkeys(findings))


if __name__ == "__main__":
    roots = [Path(root) for root in sys.argv[1].split(",")]
    print(json.dumps([asdict(finding) for finding in watch_imports(sys.argv[2:], roots)]))
