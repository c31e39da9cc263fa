"""SnapStart: what a function's snapshot may hold, and what each restored copy makes fresh.

With SnapStart (``shared.resources.SNAPSTART_FUNCTIONS``) Lambda runs a function's init once,
when a version is published, runs the ``before_snapshot`` hooks, snapshots the memory, and
resumes every new execution environment from that snapshot, running the ``after_restore`` hooks
first. So whatever init draws — random state, ids, clocks, credentials — is shared by every copy.
The rules, tested by ``tests/unit/test_snapstart_uniqueness.py``:

- nothing random, time-derived or credential-like is made at module level (a test watches every
  function's import for it);
- boto3 clients are made by the first request, never before the snapshot (priming warms botocore
  with placeholder keys and throws that client away);
- :func:`refresh_after_restore` (registered here, so it runs in every restored copy) reseeds
  ``random``, forgets any AWS client and credentials, and restarts python-ulid's monotonic state.

The hooks go to ``snapshot_restore_py``, which every Python managed runtime from 3.12 ships (and
the dev environment installs from PyPI). Where it is missing, hooks are kept here and never run,
which is what a function without SnapStart does anyway.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import Any

Hook = Callable[..., Any]

try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ModuleNotFoundError:  # not a Lambda runtime and not the dev venv: nothing restores anyway
    _unused: list[tuple[Hook, tuple[Any, ...], dict[str, Any]]] = []

    def register_before_snapshot(func: Hook, *args: Any, **kwargs: Any) -> Hook:
        _unused.append((func, args, kwargs))
        return func

    def register_after_restore(func: Hook, *args: Any, **kwargs: Any) -> Hook:
        _unused.append((func, args, kwargs))
        return func


def before_snapshot(func: Hook, *args: Any, **kwargs: Any) -> Hook:
    """Run ``func(*args, **kwargs)`` once, before the snapshot (Lambda runs these hooks in the
    reverse order of registration)."""
    return register_before_snapshot(func, *args, **kwargs)


def after_restore(func: Hook, *args: Any, **kwargs: Any) -> Hook:
    """Run ``func(*args, **kwargs)`` in every restored copy before its first request."""
    return register_after_restore(func, *args, **kwargs)


def refresh_after_restore() -> None:
    """What every restored copy must not share with the others."""
    # The Mersenne Twister state (retry jitter, botocore's backoff) is in the snapshot: reseed it
    # from the OS, whose generator Lambda makes unique per restored copy.
    random.seed()
    # Only what the function loaded (health loads neither boto3 nor python-ulid).
    if "shared.core.aws" in sys.modules:
        # Clients hold resolved credentials and connections: made again by the first request.
        sys.modules["shared.core.aws"].forget_clients()
    if "ulid" in sys.modules:
        # python-ulid increments the last randomness when a new id falls in the millisecond of
        # the previous one; that previous one would be the snapshot's, the same in every copy.
        from ulid import ULID, ValueProvider

        ULID.provider = ValueProvider()


after_restore(refresh_after_restore)
