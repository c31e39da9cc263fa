"""Daily retention jobs: work that is due, found through the expiry index, never by scanning.

- erasures not completed 30 minutes after they were requested are started again;
- uploads never completed within 24 hours are deleted (every version) and marked rejected;
- once every upload form of a completed file has expired, whatever was posted to its key after
  completion is deleted: only the verified version stays (shared/files/logic.py, shared/files/expiry.py);
- expired OAuth states are deleted (TTL deletion lags by up to days);
- import jobs abandoned (never authorized, or a workflow that never finished) are marked failed
  with ``abandoned``, their sealed access token is deleted, their lease released and their
  workflow reference deleted; an undo that never finished is marked ``undo_failed`` likewise.

Locations need no job of their own: a check-in's coordinates are attributes of its activity item,
so no location can outlive its activity (the cascade tests prove the activity's deletion).

AWS calls: one Query per day of the look-back window (RETENTION_LOOKBACK_DAYS) plus the work of
each due item — the same count on a table of a thousand or of millions of other items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared import resources
from shared.core.clock import utcnow
from shared.core.expiry_index import due_keys
from shared.core.layout import FILE_PREFIX, IMPORT_PREFIX, OAUTH_STATE_PREFIX, user_id_from_pk
from shared.core.object_store import ObjectStore
from shared.erasure.repository import DELETIONS_PK, DeletionRepository
from shared.files.expiry import settle_due_file
from shared.imports.repository import DynamoImportRepository, import_id_from_sk
from shared.imports.status import ImportStatus
from shared.leads.children import ChildRepository
from shared.privacy import get_logger

logger = get_logger()

# An import job due for retention: from the status it was left in to where it ends.
ABANDONED = (
    (ImportStatus.AWAITING_AUTHORIZATION, ImportStatus.FAILED),
    (ImportStatus.RUNNING, ImportStatus.FAILED),
    (ImportStatus.UNDOING, ImportStatus.UNDO_FAILED),
)


@dataclass
class RetentionStores:
    dynamodb: Any
    table: str
    file_records: ChildRepository
    uploads: ObjectStore
    deletions: DeletionRepository
    restart_erasure: Callable[[str, str], object]  # (deletion_id, attempt name)
    imports: DynamoImportRepository


def run_retention(stores: RetentionStores, now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    done: Counter[str] = Counter()
    for item in due_keys(stores.dynamodb, stores.table, now, resources.RETENTION_LOOKBACK_DAYS):
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        if pk == DELETIONS_PK:
            stores.restart_erasure(sk, now.strftime("%Y%m%dT%H%M%S"))
            stores.deletions.postpone(sk, now)
            done["erasures_restarted"] += 1
        elif pk.startswith(OAUTH_STATE_PREFIX):
            stores.imports.purge_state(pk.removeprefix(OAUTH_STATE_PREFIX))
            done["oauth_states_purged"] += 1
        elif sk.startswith(IMPORT_PREFIX):
            user_id, import_id = user_id_from_pk(pk), import_id_from_sk(sk)
            for status, to in ABANDONED:
                if stores.imports.transition(user_id, import_id, status, to, now, "abandoned"):
                    done["imports_abandoned"] += 1
            stores.imports.delete_token(user_id, import_id)
            stores.imports.end(user_id, import_id)
        elif sk.startswith(FILE_PREFIX):
            lead_id, own_id = sk.removeprefix(FILE_PREFIX).split("#", 1)
            user_id = user_id_from_pk(pk)
            outcome = settle_due_file(stores.file_records, stores.uploads, user_id, lead_id, own_id)
            if outcome is not None:
                done[outcome] += 1
        else:
            done["unknown_due_items"] += 1
    logger.info("retention run", extra={f"{name}_count": value for name, value in done.items()})
    return dict(done)
