"""moto's and werkzeug's log records, reduced to their origin and level while a stack runs.

Their messages quote requests (werkzeug: the request line, i.e. S3 keys that are file names;
moto's Step Functions interpreter: task inputs and failure causes), so none of that text may reach
a log. Only warnings and errors get through, as "<level> in <logger> (details withheld)".
"""

from __future__ import annotations

import logging
import sys
from typing import Any

EMULATOR_LOGGERS = ("moto", "werkzeug")

Saved = dict[str, tuple[int, bool, logging.Handler]]
"""Per logger: the level and propagation to put back, and the handler to remove."""


class _DetailsWithheld(logging.Filter):
    """Rewrites a record to its origin and level (and the exception's type, if any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        suffix = f" {type(error).__name__}" if error is not None else ""
        record.msg = f"{record.levelname.lower()} in {record.name}{suffix} (details withheld)"
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


class _CurrentStderr(logging.StreamHandler[Any]):
    """Writes to whatever ``sys.stderr`` is now (test capture swaps it), not the one at start."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        return


def withhold() -> Saved:
    """Route the emulators' records through one redacting handler; returns what to undo."""
    saved: Saved = {}
    for name in EMULATOR_LOGGERS:
        logger = logging.getLogger(name)
        handler = _CurrentStderr()
        handler.setLevel(logging.WARNING)
        handler.addFilter(_DetailsWithheld())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        saved[name] = (logger.level, logger.propagate, handler)
        logger.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False
    return saved


def restore(saved: Saved) -> None:
    """Undo ``withhold()``."""
    for name, (level, propagate, handler) in saved.items():
        logger = logging.getLogger(name)
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
