"""Daily backup job (EventBridge Scheduler): export the table to the encrypted backups bucket."""

from __future__ import annotations

from typing import Any

from shared.backups.logic import start_backup
from shared.core import aws
from shared.core.clock import utcnow
from shared.core.observability import count, job_handler
from shared.core.settings import load_settings, settings
from shared.resources import BACKUP_FUNCTION

load_settings(BACKUP_FUNCTION)


def run(_event: dict[str, Any]) -> dict[str, Any]:
    config = settings()
    prefix = start_backup(aws.dynamodb(), config.table_arn, config.backups_bucket, config.data_key_arn, utcnow())
    count("BackupStarted")
    return {"prefix": prefix}


handler = job_handler(run)
