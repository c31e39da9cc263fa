"""Data portability: everything the service holds about the caller, as pages of JSON.

One Query walks the caller's whole partition in key order (the same one erasure deletes), so
each page costs one Query and holds at most ``EXPORT_PAGE_ITEMS`` items whatever the account's
size: memory stays flat and each response stays far below Lambda's 6 MB limit.
"""

from __future__ import annotations

from typing import Any

from shared.accounts.directory import AccountDirectory
from shared.activities.records import to_activity
from shared.core import cursors
from shared.core.dynamodb import from_item, key, ser
from shared.core.layout import (
    ACTIVITY_PREFIX,
    DEVICE_PREFIX,
    FILE_PREFIX,
    IMPORT_PREFIX,
    LEAD_PREFIX,
    PREFS_SK,
    user_pk,
)
from shared.core.object_store import ObjectStore
from shared.export.models import ExportPage, ImportRecord
from shared.files.records import DOWNLOAD_EXPIRES_S, download_url, to_file_info
from shared.files.status import FileStatus
from shared.leads.records import to_model as to_lead
from shared.leads.repository import to_lead_record
from shared.preferences.records import preferences_from_item, to_device
from shared.preferences.repository import from_stored

EXPORT_PAGE_ITEMS = 500


def _encode(sk: str) -> str:
    return cursors.encode("", sk)


def _decode(cursor: str) -> str:
    return cursors.decode("", cursor, lambda value: 0 < len(value) <= 300)


def to_import_record(item: dict[str, Any]) -> ImportRecord:
    """The job as stored: its own fields, read here so that export loads nothing of the import."""
    return ImportRecord(
        import_id=item["sk"].removeprefix(IMPORT_PREFIX),
        status=str(item["status"]),
        on_duplicate=str(item.get("on_duplicate", "skip")),
        rows_read=int(item.get("rows_read", 0)),
        leads_created=int(item.get("leads_created", 0)),
        leads_updated=int(item.get("leads_updated", 0)),
        rows_skipped=int(item.get("rows_skipped", 0)),
        errors=[{"row": int(e["row"]), "code": str(e["code"])} for e in item.get("errors", [])],
        error_code=item.get("error_code"),
        created_at=item["created_at"],
        started_at=item.get("started_at"),
        finished_at=item.get("finished_at"),
    )


def export_page(
    client: Any, table: str, accounts: AccountDirectory, store: ObjectStore, user_id: str, cursor: str | None
) -> ExportPage:
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": ser(user_pk(user_id))},
        "Limit": EXPORT_PAGE_ITEMS,
    }
    if cursor:
        params["ExclusiveStartKey"] = key(user_pk(user_id), _decode(cursor))
    response = client.query(**params)
    page = ExportPage()
    if cursor is None:
        page.profile = accounts.get_me(user_id).model_dump(mode="json")
    for raw in response.get("Items", []):
        item = from_item(raw)
        sk: str = item["sk"]
        if sk.startswith(LEAD_PREFIX):
            page.leads.append(to_lead(to_lead_record(raw)))
        elif sk.startswith(ACTIVITY_PREFIX):
            page.activities.append(to_activity(item))
        elif sk.startswith(FILE_PREFIX):
            info = to_file_info(item)
            if info.status is FileStatus.READY:  # a link to the version that was verified
                info.download_url = download_url(store, user_id, item)
                info.download_expires_in = DOWNLOAD_EXPIRES_S
            page.files.append(info)
        elif sk.startswith(DEVICE_PREFIX):
            page.devices.append(to_device(item))
        elif sk == PREFS_SK:
            page.preferences = preferences_from_item(from_stored(item))
        elif sk.startswith(IMPORT_PREFIX):
            page.imports.append(to_import_record(item))
    last = response.get("LastEvaluatedKey")
    page.next_cursor = _encode(last["sk"]["S"]) if last else None
    return page
