"""Import jobs, sealed tokens and OAuth states in the single table.

Key design (the table's layout: shared/core/layout.py):

| item                | pk                          | sk                       | notes                         |
|---------------------|-----------------------------|--------------------------|-------------------------------|
| import job          | USER#<user_id>              | IMPORT#<import_id>       | status, counts, cursor        |
| sealed import token | USER#<user_id>              | IMPORTTOKEN#<import_id>  | TTL ≤ 1 h; deleted at the end |
| import lease        | USER#<user_id>              | IMPORTLEASE              | one running import (or undo)  |
| OAuth state         | OAUTHSTATE#<sha256(state)>  | OAUTHSTATE               | TTL ≤ 10 min; delete-on-read  |
| import reference    | IMPORTREF#<import_id>       | IMPORTREF                | user id, while a workflow runs|

The OAuth state also carries ``browser``, once the consent page's Continue was pressed: a hash of
that browser's consent cookie (shared/imports/consent.py); the callback accepts only that browser.

A job holds status, counts, timestamps, the row cursor and per-row errors as (row, code) — no
cell, header, spreadsheet id or sheet title. The spreadsheet id, sheet title, mapping, PKCE
verifier and access token exist only inside KMS ciphertext (encryption context: purpose, user,
import) on the OAuth state and token items, both short-lived. The OAuth state is keyed by a hash
of the state value (the callback has no other handle); it holds the user id and expires within
10 minutes; erasure reaches it through the job's ``oauth_state`` attribute. DynamoDB deletes
expired items lazily (and moto never), so every read checks ``expires_at``.

The lease: one import (or undo) of a user runs at a time. It is taken in the same transaction
that moves the job to ``running`` (or ``undoing``), carries its own deadline (the workflow's
timeout plus a grace period), is read as free once that has passed, and is released when the
workflow ends — so a crashed import never blocks its user for longer than the workflow could run.

The reference: a workflow's execution input (kept by Step Functions for 90 days, beyond erasure's
reach) holds the import id only. The steps find the user through this item, written with the
lease and deleted when the workflow ends, by the retention job if it never does, and by erasure
(through the job with the same id): once the account is erased, the id leads nowhere.

Access patterns (calls per request):
1. start an import ....... PutItem job + PutItem OAuth state (+ KMS Encrypt) ............... 2
2. consent page .......... GetItem state (+ KMS Decrypt: the account and sheet it shows) ......... 1
   continue to Google .... UpdateItem state SET browser, conditional, ALL_NEW (+ KMS Decrypt) ... 1
   OAuth callback ........ DeleteItem state ALL_OLD (single use), PutItem token,
                           TransactWriteItems (job awaiting → running, lease, reference),
                           StartExecution (+ KMS Decrypt/Encrypt) ........................... 3
3. import status / list .. GetItem job / Query begins_with(sk, "IMPORT#") desc ............. 1
4. import chunk .......... GetItem job, GetItem token, BatchGetItem of the contact items per 100
                           contact in the block, BatchWriteItem per 25 new leads (+ retries of
                           UnprocessedItems), UpdateItem per updated lead, UpdateItem job
                           (counts + cursor, conditional on the cursor: exactly once)
5. finish an import ...... GetItem reference, DeleteItem token, UpdateItem job, DeleteItem lease,
                           DeleteItem reference ........................................... 5
6. a step finds its user . GetItem reference (every step) .................................. 1
7. start an import ....... GetItem lease (refused with 409 import_running while it is held) ... 1
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol

from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError

from shared import resources
from shared.core.dynamodb import cancelled_by_condition, conditional, from_item, key, ser, to_item, transact_write
from shared.core.expiry_index import due_attrs
from shared.core.layout import (
    IMPORT_LEASE_SK,
    IMPORT_PREFIX,
    IMPORT_REF_SK,
    IMPORT_TOKEN_PREFIX,
    OAUTH_STATE_SK,
    import_ref_pk,
    oauth_state_pk,
    user_pk,
)
from shared.imports.row_errors import RowError
from shared.imports.status import ImportStatus

MAX_ERRORS = 1000  # per-row errors kept on a job (the first ones)
TTL = resources.TABLE.ttl_attribute
# How long past its deadline a job or state may linger before the retention job ends it.
ABANDONED_GRACE_S = 300
# A lease is free again this long after it was taken, whatever became of its workflow.
LEASE_SECONDS = resources.IMPORT_WORKFLOW.timeout_s + ABANDONED_GRACE_S

BeginOutcome = Literal["begun", "not_in_status", "busy"]


def import_sk(import_id: str) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


def import_id_from_sk(sk: str) -> str:
    return sk.removeprefix(IMPORT_PREFIX)


def import_token_sk(import_id: str) -> str:
    return f"{IMPORT_TOKEN_PREFIX}{import_id}"


def oauth_state_key(state_hash: str) -> dict[str, Any]:
    return key(oauth_state_pk(state_hash), OAUTH_STATE_SK)


def import_ref_key(import_id: str) -> dict[str, Any]:
    return key(import_ref_pk(import_id), IMPORT_REF_SK)


@dataclass
class ImportJob:
    import_id: str
    status: ImportStatus
    on_duplicate: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    rows_read: int = 0
    leads_created: int = 0
    leads_updated: int = 0
    rows_skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_code: str | None = None
    first_row: int | None = None
    last_row: int | None = None
    next_row: int | None = None
    phone_region: str | None = None  # national-format numbers are read with it (the user's, at start)
    # Undo (shared/imports/undo.py): its progress through the import's lead ids, and its counts.
    undo_started_at: datetime | None = None
    undo_finished_at: datetime | None = None
    undo_after: str | None = None  # the last lead id undo has dealt with
    leads_removed: int = 0
    leads_kept: int = 0  # created by the import, changed since: left in place


class ChunkCounts(NamedTuple):
    rows_read: int = 0
    leads_created: int = 0
    leads_updated: int = 0
    rows_skipped: int = 0


class OAuthStateRecord(NamedTuple):
    user_id: str
    import_id: str
    sealed: bytes
    created_at: datetime
    browser: str | None = None  # hash of the consent cookie of the browser that continued to Google


class SealedToken(NamedTuple):
    sealed: bytes
    expires_at: int


class ImportRepository(Protocol):
    def create(self, user_id: str, job: ImportJob, oauth_state: str | None = None) -> None: ...
    def get(self, user_id: str, import_id: str) -> ImportJob | None: ...
    def page(self, user_id: str, limit: int, after: str | None) -> tuple[list[ImportJob], str | None]: ...
    def transition(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        error_code: str | None = None,
    ) -> bool: ...
    def set_range(self, user_id: str, import_id: str, first_row: int, last_row: int) -> bool: ...
    def replace_state(self, user_id: str, import_id: str, new_state: str) -> str | None: ...
    def purge_state(self, state_hash: str) -> None: ...
    def commit_chunk(
        self,
        user_id: str,
        import_id: str,
        expected_next_row: int,
        next_row: int,
        counts: ChunkCounts,
        errors: list[RowError],
    ) -> bool: ...
    def begin(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        lease_s: int = LEASE_SECONDS,
    ) -> BeginOutcome: ...
    def commit_undo(
        self, user_id: str, import_id: str, expected_after: str | None, after: str, removed: int, kept: int
    ) -> bool: ...
    def lease_holder(self, user_id: str, now: datetime) -> str | None: ...
    def end(self, user_id: str, import_id: str) -> None: ...
    def user_of(self, import_id: str) -> str | None: ...
    def put_state(self, state_hash: str, record: OAuthStateRecord, expires_at: int) -> None: ...
    def read_state(self, state_hash: str) -> OAuthStateRecord | None: ...
    def bind_state(self, state_hash: str, browser: str) -> OAuthStateRecord | None: ...
    def consume_state(self, state_hash: str) -> OAuthStateRecord | None: ...
    def put_token(self, user_id: str, import_id: str, token: SealedToken) -> None: ...
    def get_token(self, user_id: str, import_id: str, now: int) -> SealedToken | None: ...
    def delete_token(self, user_id: str, import_id: str) -> None: ...


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _to_job(item: dict[str, Any]) -> ImportJob:
    plain = from_item(item)

    def number(name: str) -> int | None:
        return int(plain[name]) if plain.get(name) is not None else None

    created_at = _time(plain["created_at"])
    assert created_at is not None
    return ImportJob(
        import_id=import_id_from_sk(plain["sk"]),
        status=ImportStatus(plain["status"]),
        on_duplicate=plain["on_duplicate"],
        created_at=created_at,
        started_at=_time(plain.get("started_at")),
        finished_at=_time(plain.get("finished_at")),
        rows_read=int(plain.get("rows_read", 0)),
        leads_created=int(plain.get("leads_created", 0)),
        leads_updated=int(plain.get("leads_updated", 0)),
        rows_skipped=int(plain.get("rows_skipped", 0)),
        errors=[RowError(int(e["row"]), str(e["code"])) for e in plain.get("errors", [])],
        error_code=plain.get("error_code"),
        first_row=number("first_row"),
        last_row=number("last_row"),
        next_row=number("next_row"),
        phone_region=plain.get("phone_region"),
        undo_started_at=_time(plain.get("undo_started_at")),
        undo_finished_at=_time(plain.get("undo_finished_at")),
        undo_after=plain.get("undo_after"),
        leads_removed=int(plain.get("leads_removed", 0)),
        leads_kept=int(plain.get("leads_kept", 0)),
    )


class DynamoImportRepository:
    """Integrations: DynamoDB (PutItem, GetItem, Query, UpdateItem, DeleteItem)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self._db = client
        self._table = table_name

    def _key(self, user_id: str, sk: str) -> dict[str, Any]:
        return key(user_pk(user_id), sk)

    def _update(self, key: dict[str, Any], expression: str, condition: str, values: dict[str, Any]) -> bool:
        names = {"#status": "status"}
        return conditional(
            self._db.update_item,
            TableName=self._table,
            Key=key,
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={k: v for k, v in names.items() if k in expression + condition},
            ExpressionAttributeValues={k: ser(v) for k, v in values.items()},
        ).applied

    # --- jobs ---------------------------------------------------------------------------------

    def create(self, user_id: str, job: ImportJob, oauth_state: str | None = None) -> None:
        """``oauth_state`` (the state's hash) lets account erasure find the state item, which
        lives outside the user's partition. The job is due for the retention job if it is still
        waiting for authorization when the state has expired."""
        due = due_attrs(job.created_at + timedelta(seconds=resources.OAUTH_STATE_MAX_SECONDS + ABANDONED_GRACE_S))
        item: dict[str, Any] = {
            "pk": user_pk(user_id),
            "sk": import_sk(job.import_id),
            **({"oauth_state": oauth_state} if oauth_state else {}),
            **due,
            "status": str(job.status),
            "on_duplicate": job.on_duplicate,
            "created_at": job.created_at.isoformat(),
            "rows_read": 0,
            "leads_created": 0,
            "leads_updated": 0,
            "rows_skipped": 0,
            "errors": [],
            "phone_region": job.phone_region,
        }
        self._db.put_item(
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def get(self, user_id: str, import_id: str) -> ImportJob | None:
        response = self._db.get_item(
            TableName=self._table, Key=self._key(user_id, import_sk(import_id)), ConsistentRead=True
        )
        item = response.get("Item")
        return _to_job(item) if item else None

    def page(self, user_id: str, limit: int, after: str | None) -> tuple[list[ImportJob], str | None]:
        params: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": ser(user_pk(user_id)), ":prefix": ser(IMPORT_PREFIX)},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if after:
            params["ExclusiveStartKey"] = self._key(user_id, import_sk(after))
        response = self._db.query(**params)
        jobs = [_to_job(item) for item in response.get("Items", [])]
        more = "LastEvaluatedKey" in response and len(jobs) == limit
        return jobs, (jobs[-1].import_id if more and jobs else None)

    def transition(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        error_code: str | None = None,
    ) -> bool:
        """``from_status`` → ``to_status`` if the job is still in ``from_status``."""
        expression, values = _transition(from_status, to_status, at, error_code)
        return self._update(
            self._key(user_id, import_sk(import_id)),
            expression,
            "attribute_exists(pk) AND #status = :from",
            values,
        )

    # --- undo ---------------------------------------------------------------------------------

    def commit_undo(
        self, user_id: str, import_id: str, expected_after: str | None, after: str, removed: int, kept: int
    ) -> bool:
        """Move undo's cursor past a page of the import's leads and add its counts — once per
        position: a re-run of a page already committed changes nothing (False)."""
        where = "attribute_not_exists(undo_after)" if expected_after is None else "undo_after = :expected"
        values: dict[str, Any] = {
            ":after": after,
            ":removed": removed,
            ":kept": kept,
            ":undoing": str(ImportStatus.UNDOING),
        }
        if expected_after is not None:
            values[":expected"] = expected_after
        return self._update(
            self._key(user_id, import_sk(import_id)),
            "SET undo_after = :after ADD leads_removed :removed, leads_kept :kept",
            f"#status = :undoing AND {where}",
            values,
        )

    # --- one running import per user: the lease, and the workflow's reference -------------------

    def begin(
        self,
        user_id: str,
        import_id: str,
        from_status: ImportStatus,
        to_status: ImportStatus,
        at: datetime,
        lease_s: int = LEASE_SECONDS,
    ) -> BeginOutcome:
        """Move the job to ``to_status`` (running, or undoing) while taking the user's lease for
        ``lease_s`` and writing the workflow's reference, all or nothing. ``busy``: another
        import holds a live lease; ``not_in_status``: the job is not in ``from_status`` (any more)."""
        expression, values = _transition(from_status, to_status, at, lease_s=lease_s)
        until = epoch(at) + lease_s
        job = {
            "Update": {
                "TableName": self._table,
                "Key": self._key(user_id, import_sk(import_id)),
                "UpdateExpression": expression,
                "ConditionExpression": "attribute_exists(pk) AND #status = :from",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {k: ser(v) for k, v in values.items()},
            }
        }
        lease_item = {"pk": user_pk(user_id), "sk": IMPORT_LEASE_SK, "import_id": import_id, "lease_until": until}
        lease = {
            "Put": {
                "TableName": self._table,
                "Item": to_item(lease_item | {TTL: until}),
                "ConditionExpression": "attribute_not_exists(pk) OR lease_until <= :now OR import_id = :import",
                "ExpressionAttributeValues": {":now": ser(epoch(at)), ":import": ser(import_id)},
            }
        }
        reference_item = {"pk": import_ref_pk(import_id), "sk": IMPORT_REF_SK, "user_id": user_id, TTL: until}
        reference = {"Put": {"TableName": self._table, "Item": to_item(reference_item)}}
        try:
            transact_write(self._db, [job, lease, reference])
        except ClientError as exc:
            if cancelled_by_condition(exc, 0):
                return "not_in_status"
            if cancelled_by_condition(exc, 1):
                return "busy"
            raise
        return "begun"

    def lease_holder(self, user_id: str, now: datetime) -> str | None:
        """The import holding the user's live lease, if any (a lease past its deadline is free)."""
        response = self._db.get_item(
            TableName=self._table, Key=self._key(user_id, IMPORT_LEASE_SK), ConsistentRead=True
        )
        item = response.get("Item")
        if not item or int(item["lease_until"]["N"]) <= epoch(now):
            return None
        return str(item["import_id"]["S"])

    def end(self, user_id: str, import_id: str) -> None:
        """Release the lease if this import holds it, and delete the workflow's reference."""
        conditional(
            self._db.delete_item,
            TableName=self._table,
            Key=self._key(user_id, IMPORT_LEASE_SK),
            ConditionExpression="import_id = :import",
            ExpressionAttributeValues={":import": ser(import_id)},
        )
        self._db.delete_item(TableName=self._table, Key=import_ref_key(import_id))

    def user_of(self, import_id: str) -> str | None:
        """The user whose import this is, while its workflow runs (None once it has ended)."""
        response = self._db.get_item(TableName=self._table, Key=import_ref_key(import_id), ConsistentRead=True)
        item = response.get("Item")
        return str(item["user_id"]["S"]) if item else None

    def replace_state(self, user_id: str, import_id: str, new_state: str) -> str | None:
        """Point a job still awaiting authorization at a new OAuth state; the old state's hash, or
        None if the job is not awaiting authorization (any more)."""
        written = conditional(
            self._db.update_item,
            TableName=self._table,
            Key=self._key(user_id, import_sk(import_id)),
            UpdateExpression="SET oauth_state = :new",
            ConditionExpression="#status = :awaiting",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":new": ser(new_state),
                ":awaiting": ser(str(ImportStatus.AWAITING_AUTHORIZATION)),
            },
            ReturnValues="UPDATED_OLD",
        )
        if not written:
            return None
        return str(written.response.get("Attributes", {}).get("oauth_state", {}).get("S", "")) or None

    def set_range(self, user_id: str, import_id: str, first_row: int, last_row: int) -> bool:
        return self._update(
            self._key(user_id, import_sk(import_id)),
            "SET first_row = :first, last_row = :last, next_row = :first",
            "#status = :running",
            {":first": first_row, ":last": last_row, ":running": str(ImportStatus.RUNNING)},
        )

    def commit_chunk(
        self,
        user_id: str,
        import_id: str,
        expected_next_row: int,
        next_row: int,
        counts: ChunkCounts,
        errors: list[RowError],
    ) -> bool:
        """Add a chunk's counts and errors and move the cursor — once per cursor position.

        Conditional on the cursor still being where the chunk started: a re-run of a chunk that
        was already committed changes nothing (False).
        """
        return self._update(
            self._key(user_id, import_sk(import_id)),
            "SET next_row = :next, errors = list_append(errors, :errors) "
            "ADD rows_read :read, leads_created :created, leads_updated :updated, rows_skipped :skipped",
            "#status = :running AND next_row = :expected",
            {
                ":next": next_row,
                ":expected": expected_next_row,
                ":running": str(ImportStatus.RUNNING),
                ":errors": [{"row": e.row, "code": e.code} for e in errors],
                ":read": counts.rows_read,
                ":created": counts.leads_created,
                ":updated": counts.leads_updated,
                ":skipped": counts.rows_skipped,
            },
        )

    # --- OAuth state: single use, ≤ 10 minutes ------------------------------------------------

    def put_state(self, state_hash: str, record: OAuthStateRecord, expires_at: int) -> None:
        item = {
            "pk": oauth_state_pk(state_hash),
            "sk": OAUTH_STATE_SK,
            **due_attrs(datetime.fromtimestamp(expires_at, UTC)),  # purged by the retention job
            "user_id": record.user_id,
            "import_id": record.import_id,
            "sealed": Binary(record.sealed),
            "created_at": record.created_at.isoformat(),
            TTL: expires_at,
        }
        self._db.put_item(
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        )

    def read_state(self, state_hash: str) -> OAuthStateRecord | None:
        """The state as it is (the consent page shows what it will import; reading spends nothing)."""
        response = self._db.get_item(TableName=self._table, Key=oauth_state_key(state_hash), ConsistentRead=True)
        item = response.get("Item")
        return _to_state(item) if item else None

    def bind_state(self, state_hash: str, browser: str) -> OAuthStateRecord | None:
        """Tie the state to the browser that continued to Google (a hash of its consent cookie):
        the first browser wins, the same browser may continue again; None if the state is gone or
        belongs to another browser."""
        written = conditional(
            self._db.update_item,
            TableName=self._table,
            Key=oauth_state_key(state_hash),
            UpdateExpression="SET browser = :browser",
            ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(browser) OR browser = :browser)",
            ExpressionAttributeValues={":browser": ser(browser)},
            ReturnValues="ALL_NEW",
        )
        if not written:
            return None
        return _to_state(written.response["Attributes"])

    def consume_state(self, state_hash: str) -> OAuthStateRecord | None:
        """Delete-on-read: of two callbacks with the same state, only one gets the record."""
        response = self._db.delete_item(
            TableName=self._table,
            Key=oauth_state_key(state_hash),
            ReturnValues="ALL_OLD",
        )
        item = response.get("Attributes")
        return _to_state(item) if item else None

    # --- sealed token: ≤ 1 hour, deleted when the import ends ---------------------------------

    def put_token(self, user_id: str, import_id: str, token: SealedToken) -> None:
        item = {
            "pk": user_pk(user_id),
            "sk": import_token_sk(import_id),
            "sealed": Binary(token.sealed),
            TTL: token.expires_at,
        }
        self._db.put_item(TableName=self._table, Item=to_item(item))

    def get_token(self, user_id: str, import_id: str, now: int) -> SealedToken | None:
        response = self._db.get_item(
            TableName=self._table, Key=self._key(user_id, import_token_sk(import_id)), ConsistentRead=True
        )
        item = response.get("Item")
        if not item:
            return None
        expires_at = int(item[TTL]["N"])
        if expires_at <= now:  # TTL deletion lags; an expired token is gone for us
            return None
        return SealedToken(sealed=bytes(item["sealed"]["B"]), expires_at=expires_at)

    def delete_token(self, user_id: str, import_id: str) -> None:
        self._db.delete_item(TableName=self._table, Key=self._key(user_id, import_token_sk(import_id)))

    def purge_state(self, state_hash: str) -> None:
        self._db.delete_item(
            TableName=self._table,
            Key=oauth_state_key(state_hash),
        )


def _to_state(item: dict[str, Any]) -> OAuthStateRecord:
    plain = from_item(item)
    created_at = _time(plain["created_at"])
    assert created_at is not None
    return OAuthStateRecord(
        user_id=plain["user_id"],
        import_id=plain["import_id"],
        sealed=bytes(plain["sealed"].value),
        created_at=created_at,
        browser=plain.get("browser"),
    )


def epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


def _transition(
    from_status: ImportStatus,
    to_status: ImportStatus,
    at: datetime,
    error_code: str | None = None,
    lease_s: int = LEASE_SECONDS,
) -> tuple[str, dict[str, Any]]:
    """The UpdateExpression and values of a status change. A job that starts a workflow is due
    for the retention job if the workflow never ends it."""
    started = to_status in (ImportStatus.RUNNING, ImportStatus.UNDOING)
    if to_status == ImportStatus.RUNNING:
        stamp = "started_at"
    elif to_status == ImportStatus.UNDOING:
        stamp = "undo_started_at"
    else:
        stamp = "undo_finished_at" if from_status == ImportStatus.UNDOING else "finished_at"
    expression = f"SET #status = :to, {stamp} = :at"
    values: dict[str, Any] = {":to": str(to_status), ":from": str(from_status), ":at": at.isoformat()}
    if error_code:
        expression += ", error_code = :code"
        values[":code"] = error_code
    if started:
        due = due_attrs(at + timedelta(seconds=lease_s))
        expression += ", due_pk = :due_pk, due_sk = :due_sk"
        values |= {":due_pk": due["due_pk"], ":due_sk": due["due_sk"]}
    else:
        expression += " REMOVE due_pk, due_sk"
    return expression, values
