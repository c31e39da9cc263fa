"""What Lambda does with a SnapStart function, as far as one machine can: init once, run the
before-snapshot hooks, then resume copies of that process and run the after-restore hooks in each.

A copy is a ``fork()`` of the initialised process: the closest local stand-in for a restore
(memory is shared copy-on-write and faulted in locally, where Lambda faults a snapshot in from its
cache, so a real restore costs more). One difference is removed: CPython reseeds ``random`` in a
forked child, which a snapshot restore does not, so a copy gets the parent's ``random`` state back
as a restored environment would. Used by the uniqueness tests and ``benchmarks/snapstart.py``.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from typing import Any

import snapshot_restore_py


def run_before_snapshot_hooks() -> None:
    """In the reverse order of registration, as Lambda runs them."""
    for func, args, kwargs in reversed(snapshot_restore_py.get_before_snapshot()):
        func(*args, **kwargs)


def run_after_restore_hooks() -> None:
    """In the order of registration, as Lambda runs them."""
    for func, args, kwargs in snapshot_restore_py.get_after_restore():
        func(*args, **kwargs)


def in_restored_copy(work: Callable[[], Any], *, restore_hooks: bool = True) -> Any:
    """Run ``work`` in a copy of this process resumed as from a snapshot, and return its result
    (anything JSON can carry). ``restore_hooks=False`` shows what a copy would share without them."""
    state = random.getstate()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the restored copy
        os.close(read_end)
        status = 0
        try:
            random.setstate(state)  # as in the snapshot: undo the fork's reseeding
            if restore_hooks:
                run_after_restore_hooks()
            payload = json.dumps({"result": work()})
        except BaseException as error:  # reported to the parent, never raised in a forked child
            payload, status = json.dumps({"error": f"{type(error).__name__}: {error}"}), 1
        with os.fdopen(write_end, "w") as out:
            out.write(payload)
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end) as received:
        data = json.loads(received.read() or '{"error": "no result"}')
    os.waitpid(pid, 0)
    if "error" in data:
        raise RuntimeError(f"restored copy failed: {data['error']}")
    return data["result"]
