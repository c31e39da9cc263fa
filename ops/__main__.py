"""Operator commands, run with the deployment's environment (or `make run`'s `.build/local.env`).

    python -m ops erase-account --email someone@example.com
    python -m ops backup
    python -m ops retention
    python -m ops restore-export --prefix exports/2026-11-30T020000Z --table crm-restored
    python -m ops reapply-receipts --table crm-restored

``erase-account`` is the path for deletion requests received by email ("sending us an email at
support@…"): it schedules exactly the erasure ``DELETE /v1/me`` does and prints only the
deletion id — never the address it was given.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from ops import restore
from shared import stores
from shared.backups import logic as backups
from shared.core import aws
from shared.core.settings import settings
from shared.erasure import logic as erasure
from shared.privacy import get_logger
from shared.retention import logic as retention

logger = get_logger("operator")


def erase_account_by_email(email: str) -> str | None:
    accounts = stores.accounts()
    user_id = accounts.user_id_for_email(email)
    if user_id is None:
        return None
    deletion_id = erasure.new_deletion_id()
    stores.deletions().schedule(deletion_id, user_id, stores.receipt_hasher()(user_id), datetime.now(UTC))
    accounts.disable(user_id)
    stores.start_erasure_workflow(deletion_id)
    logger.info("account deletion scheduled by operator", extra={"deletion_id": deletion_id})
    return deletion_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops")
    commands = parser.add_subparsers(dest="command", required=True)
    erase = commands.add_parser("erase-account", help="schedule the erasure of the account with this email")
    erase.add_argument("--email", required=True)
    commands.add_parser("backup", help="export the table to the backups bucket now")
    commands.add_parser("retention", help="run the retention jobs now")
    restore_export = commands.add_parser("restore-export", help="load a backup export into an empty table")
    restore_export.add_argument("--prefix", required=True)
    restore_export.add_argument("--table", required=True)
    reapply = commands.add_parser("reapply-receipts", help="erase again, in a restored table, every deleted account")
    reapply.add_argument("--table", required=True)
    args = parser.parse_args(argv)
    config = settings()

    if args.command == "erase-account":
        deletion_id = erase_account_by_email(args.email)
        if deletion_id is None:
            print("no single account has that email", file=sys.stderr)
            return 1
        print(json.dumps({"deletion_id": deletion_id}))
    elif args.command == "backup":
        config.require("table_arn", "backups_bucket", "data_key_arn")
        prefix = backups.start_backup(
            aws.dynamodb(), config.table_arn, config.backups_bucket, config.data_key_arn, datetime.now(UTC)
        )
        print(json.dumps({"prefix": prefix}))
    elif args.command == "retention":
        print(json.dumps(retention.run_retention(stores.retention_stores())))
    elif args.command == "restore-export":
        config.require("backups_bucket")
        count = restore.restore_export(aws.s3(), aws.dynamodb(), config.backups_bucket, args.prefix, args.table)
        print(json.dumps({"restored_items": count}))
    elif args.command == "reapply-receipts":
        erased = restore.reapply_receipts(stores.deletions(), stores.receipt_hasher(), aws.dynamodb(), args.table)
        print(json.dumps({"accounts_erased_again": erased}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
