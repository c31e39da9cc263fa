"""Import jobs, sealed tokens and OAuth states in the single table.

Key design (the table's layout: shared/core/layout.py):

| item                | pk                          | sk                       | notes                         |
|---------------------|-----------------------------|--------------------------|-------------------------------|
| import job          | USER#<user_id>              | IMPORT#<import_id>       | status, counts, cursor        |
| sealed import token | USER#<user_id>              | IMPORTTOKEN#<import_id>  | TTL ≤ 1 h; deleted at the end |
| OAuth state         | OAUTHSTATE#<sha256(state)>  | OAUTHSTATE               | TTL ≤ 10 min; delete-on-read  |

A job holds status, counts, timestamps, the row cursor and per-row errors as (row, code) — no
cell, header, spreadsheet id or sheet title. The spreadsheet id, sheet title, mapping, PKCE
verifier and access token exist only inside KMS ciphertext (encryption context: purpose, user,
import) on the OAuth state and token items, both short-lived. The OAuth state is keyed by a hash
of the state value (the callback has no other handle); it holds the user id and expires within
10 minutes; erasure reaches it through the job's ``oauth_state`` attribute. DynamoDB deletes
expired items lazily (and moto never), so every read checks ``expires_at``.

Access patterns (calls per request):
1. start an import ....... PutItem job + PutItem OAuth state (+ KMS Encrypt) ............... 2
2. OAuth callback ........ DeleteItem state ALL_OLD (single use), PutItem token, UpdateItem
                           job (awaiting → running), StartExecution (+ KMS Decrypt/Encrypt) ... 3
3. import status / list .. GetItem job / Query begins_with(sk, "IMPORT#") desc ............. 1
4. import chunk .......... GetItem job, GetItem token, Query by_phone/by_email per distinct
                           contact in the block, BatchWriteItem per 25 new leads (+ retries of
                           UnprocessedItems), UpdateItem per updated lead, UpdateItem job
                           (counts + cursor, conditional on the cursor: exactly once)
5. finish an import ...... DeleteItem token, UpdateItem job ................................ 2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from boto3.dynamodb.types import Binary

from shared import resources
from shared.core.dynamodb import conditional, from_item, key, ser, to_item
from shared.core.expiry_index import due_attrs
from shared.core.layout import IMPORT_PREFIX, IMPORT_TOKEN_PREFIX, OAUTH_STATE_SK, oauth_state_pk, user_pk
from shared.imports.row_errors import RowError
from shared.imports.status import ImportStatus

MAX_ERRORS = 1000  # per-row errors kept on a job (the first ones)
TTL = resources.TABLE.ttl_attribute
# How long past its deadline a job or state may linger before the retention job ends it.
ABANDONED_GRACE_S = 300


def import_sk(import_id: str) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


def import_id_from_sk(sk: str) -> str:
    return sk.removeprefix(IMPORT_PREFIX)


def import_token_sk(import_id: str) -> str:
    return f"{IMPORT_TOKEN_PREFIX}{import_id}"


def oauth_state_key(state_hash: str) -> dict[str, Any]:
    return key(oauth_state_pk(state_hash), OAUTH_STATE_SK)


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


@dataclass(frozen=True)
class ChunkCounts:
    rows_read: int = 0
    leads_created: int = 0
    leads_updated: int = 0
    rows_skipped: int = 0


@dataclass(frozen=True)
class OAuthStateRecord:
    user_id: str
    import_id: str
    sealed: bytes
    created_at: datetime


@dataclass(frozen=True)
class SealedToken:
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
    def put_state(self, state_hash: str, record: OAuthStateRecord, expires_at: int) -> None: ...
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
        stamp = "started_at" if to_status == ImportStatus.RUNNING else "finished_at"
        expression = f"SET #status = :to, {stamp} = :at"
        values: dict[str, Any] = {":to": str(to_status), ":from": str(from_status), ":at": at.isoformat()}
        if error_code:
            expression += ", error_code = :code"
            values[":code"] = error_code
        if to_status == ImportStatus.RUNNING:  # due again if the workflow never finishes it
            due = due_attrs(at + timedelta(seconds=resources.IMPORT_WORKFLOW.timeout_s + ABANDONED_GRACE_S))
            expression += ", due_pk = :due_pk, due_sk = :due_sk"
            values |= {":due_pk": due["due_pk"], ":due_sk": due["due_sk"]}
        else:
            expression += " REMOVE due_pk, due_sk"
        return self._update(
            self._key(user_id, import_sk(import_id)),
            expression,
            "attribute_exists(pk) AND #status = :from",
            values,
        )

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

    def consume_state(self, state_hash: str) -> OAuthStateRecord | None:
        """Delete-on-read: of two callbacks with the same state, only one gets the record."""
        response = self._db.delete_item(
            TableName=self._table,
            Key=oauth_state_key(state_hash),
            ReturnValues="ALL_OLD",
        )
        item = response.get("Attributes")
        if not item:
            return None
        plain = from_item(item)
        created_at = _time(plain["created_at"])
        assert created_at is not None
        return OAuthStateRecord(
            user_id=plain["user_id"],
            import_id=plain["import_id"],
            sealed=bytes(plain["sealed"].value),
            created_at=created_at,
        )

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


def epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())
