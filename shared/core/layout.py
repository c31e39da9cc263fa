"""Where every piece of a user's data lives: the table's partitions and sort-key prefixes, and the
uploads bucket's key prefixes. Erasure, export and every cascade walk this layout, so it is
written down once, here; each capability writes its own key design and access patterns next to
the repository that builds its keys.

Table (shared.resources.TABLE): ``pk`` (S) + ``sk`` (S); TTL attribute ``expires_at`` (epoch
seconds; DynamoDB deletes lazily, so every read path also filters expired items).

Every item a user owns lives under ``pk = USER#<user_id>``, so one Query on that partition finds
all of it (account erasure never Scans):

| item                | sk                           | key design and access patterns      |
|---------------------|------------------------------|-------------------------------------|
| lead                | LEAD#<lead_id>               | shared/leads/repository.py          |
| activity            | ACT#<lead_id>#<ulid>         | shared/leads/children.py            |
| file record         | FILE#<lead_id>#<ulid>        | shared/leads/children.py            |
| preferences         | PREFS                        | shared/preferences/repository.py    |
| device              | DEVICE#<device_id>           | shared/preferences/device_repository.py |
| import job          | IMPORT#<import_id>           | shared/imports/repository.py        |
| sealed import token | IMPORTTOKEN#<import_id>      | shared/imports/repository.py        |
| import lease        | IMPORTLEASE                  | shared/imports/repository.py        |
| contact             | CONTACT#<phone or email>     | shared/leads/contacts.py            |
| tombstone           | TOMB#<kind>#<id>             | shared/sync/changes.py              |
| idempotency record  | IDEMPOTENCY#<hashed key>     | shared/core/idempotency.py          |
| per-user limit      | LIMIT#<name>#<window>        | shared/core/user_limits.py          |

Items keyed outside a user's partition, and how erasure reaches them:

| item              | pk / sk                               | reached by erasure                       |
|-------------------|---------------------------------------|------------------------------------------|
| OAuth state       | OAUTHSTATE#<sha256(state)> / OAUTHSTATE | through its import job (``oauth_state``); TTL ≤ 10 min |
| import reference  | IMPORTREF#<import_id> / IMPORTREF     | through its import job (same id); while a workflow runs |
| deletion record   | DELETIONS / <deletion_id>             | it is the receipt: keeps no user id once completed |
| revocation marker | REVOKED#<sha256(user_id)> / REVOKED   | names no user; TTL = an access token's life |

The sparse expiry index (``by_due``) is described in shared/core/expiry_index.py.

Uploaded files are S3 objects keyed ``users/<user_id>/leads/<lead_id>/<file ulid>``: no file name
in a key (keys reach S3 access logs), one prefix per user for erasure and one per lead for cascades.
"""

from __future__ import annotations

USER_PREFIX = "USER#"
LEAD_PREFIX = "LEAD#"
ACTIVITY_PREFIX = "ACT#"
FILE_PREFIX = "FILE#"
PREFS_SK = "PREFS"
DEVICE_PREFIX = "DEVICE#"
IMPORT_PREFIX = "IMPORT#"
IMPORT_TOKEN_PREFIX = "IMPORTTOKEN#"
IMPORT_LEASE_SK = "IMPORTLEASE"
TOMBSTONE_PREFIX = "TOMB#"
CONTACT_PREFIX = "CONTACT#"
IDEMPOTENCY_PREFIX = "IDEMPOTENCY#"
LIMIT_PREFIX = "LIMIT#"
# Outside every user partition: found through the import job that names it (``oauth_state``).
OAUTH_STATE_PREFIX = "OAUTHSTATE#"
OAUTH_STATE_SK = "OAUTHSTATE"
# Outside every user partition: the workflow's only handle on its import (found through the job).
IMPORT_REF_PREFIX = "IMPORTREF#"
IMPORT_REF_SK = "IMPORTREF"

# What each kind of item in a user's partition is called (receipts, inventories), by sort-key
# prefix; the longer prefix first where one starts another (IMPORTTOKEN# before IMPORT#).
ITEM_KINDS: tuple[tuple[str, str], ...] = (
    (LEAD_PREFIX, "leads"),
    (ACTIVITY_PREFIX, "activities"),
    (FILE_PREFIX, "file_records"),
    (DEVICE_PREFIX, "devices"),
    (PREFS_SK, "preferences"),
    (IMPORT_TOKEN_PREFIX, "import_tokens"),
    (IMPORT_LEASE_SK, "import_leases"),
    (IMPORT_PREFIX, "imports"),
    (CONTACT_PREFIX, "contacts"),
    (TOMBSTONE_PREFIX, "tombstones"),
    (IDEMPOTENCY_PREFIX, "idempotency_records"),
    (LIMIT_PREFIX, "limit_counters"),
)


def user_pk(user_id: str) -> str:
    return f"{USER_PREFIX}{user_id}"


def user_id_from_pk(pk: str) -> str:
    return pk.removeprefix(USER_PREFIX)


def oauth_state_pk(state_hash: str) -> str:
    return f"{OAUTH_STATE_PREFIX}{state_hash}"


def import_ref_pk(import_id: str) -> str:
    return f"{IMPORT_REF_PREFIX}{import_id}"


def item_kind(sk: str) -> str:
    return next((kind for prefix, kind in ITEM_KINDS if sk.startswith(prefix)), "other_items")


def user_prefix(user_id: str) -> str:
    """Every S3 object of a user lives under this prefix."""
    return f"users/{user_id}/"


def lead_prefix(user_id: str, lead_id: str) -> str:
    return f"users/{user_id}/leads/{lead_id}/"


def file_object_key(user_id: str, lead_id: str, own_id: str) -> str:
    return f"{lead_prefix(user_id, lead_id)}{own_id}"
