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

from ops import restore
from ops.erasure_requests import erase_account_by_email
from shared.backups.logic import start_backup
from shared.core import aws
from shared.core.clock import utcnow
from shared.core.settings import load_settings
from shared.erasure.wiring import deletions, receipt_hasher
from shared.privacy import get_logger
from shared.resources import ACCOUNTS_FUNCTION, BACKUP_FUNCTION, RETENTION_FUNCTION
from shared.retention.logic import run_retention
from shared.retention.wiring import retention_stores

logger = get_logger("operator")


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

    if args.command == "erase-account":
        load_settings(ACCOUNTS_FUNCTION)
        deletion_id = erase_account_by_email(args.email)
        if deletion_id is None:
            print("no single account has that email", file=sys.stderr)
            return 1
        print(json.dumps({"deletion_id": deletion_id}))
    elif args.command == "backup":
        config = load_settings(BACKUP_FUNCTION)
        prefix = start_backup(aws.dynamodb(), config.table_arn, config.backups_bucket, config.data_key_arn, utcnow())
        print(json.dumps({"prefix": prefix}))
    elif args.command == "retention":
        load_settings(RETENTION_FUNCTION)
        print(json.dumps(run_retention(retention_stores())))
    elif args.command == "restore-export":
        config = load_settings(BACKUP_FUNCTION)
        count = restore.restore_export(aws.s3(), aws.dynamodb(), config.backups_bucket, args.prefix, args.table)
        print(json.dumps({"restored_items": count}))
    elif args.command == "reapply-receipts":
        load_settings(ACCOUNTS_FUNCTION)
        erased = restore.reapply_receipts(deletions(), receipt_hasher(), aws.dynamodb(), args.table)
        print(json.dumps({"accounts_erased_again": erased}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
