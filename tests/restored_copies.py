"""Two copies restored from one snapshot, and what each draws (run in its own process).

The snapshot is a process that imported a SnapStart function and ran its before-snapshot hooks.
Before it, the process also does what the rules forbid — it resolves AWS credentials, draws from
``random`` and makes a ULID for a moment — so the copies show what the after-restore hooks
repair. Each copy gets credentials of its own (as each Lambda execution environment does), then
draws: ids, a token, a UUID, ``random`` and the retry jitter, the credentials its clients would use.

``python -m tests.restored_copies MODULE with-hooks|without-hooks`` prints both copies' values.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import secrets
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from ulid import ULID

from local.snapstart import in_restored_copy, run_before_snapshot_hooks

MOMENT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def draws() -> dict[str, Any]:
    from shared.core import aws, ulids
    from shared.core.retry import Backoff
    from shared.erasure.schedule import new_deletion_id

    os.environ["AWS_ACCESS_KEY_ID"] = f"copy-{os.getpid()}"  # this environment's own credentials
    credentials = aws.session().get_credentials()
    return {
        "ulid_at": str(ULID.from_datetime(MOMENT)),  # first: before any other ULID moves its state
        "new_id": ulids.new_id(),
        "id_at": ulids.id_at(MOMENT),
        "deletion_id": new_deletion_id(),
        "token": secrets.token_urlsafe(16),
        "uuid4": str(uuid.uuid4()),
        "random": random.random(),
        "jitter": Backoff().delay(6),
        "credentials": credentials.access_key if credentials else None,
    }


def main(module: str, hooks: str) -> None:
    from shared.core import aws

    importlib.import_module(module)
    run_before_snapshot_hooks()
    # What init must never do, done on purpose so the restore hooks have something to repair.
    aws.session().get_credentials()
    random.random()
    ULID.from_datetime(MOMENT)
    copies = [in_restored_copy(draws, restore_hooks=hooks == "with-hooks") for _ in range(2)]
    print(json.dumps(copies))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
