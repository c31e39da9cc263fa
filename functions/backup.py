"""Daily backup job (EventBridge Scheduler): export the table to the encrypted backups bucket."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.backups import logic as backups
from shared.core import aws
from shared.core.observability import count, job_handler
from shared.core.settings import settings


def run(_event: dict[str, Any]) -> dict[str, Any]:
    config = settings()
    config.require("table_arn", "backups_bucket", "data_key_arn")
    prefix = backups.start_backup(
        aws.dynamodb(), config.table_arn, config.backups_bucket, config.data_key_arn, datetime.now(UTC)
    )
    count("BackupStarted")
    return {"prefix": prefix}


handler = job_handler(run)
