"""DynamoDB single-table key design and every access pattern, in one place.

Table (shared.resources.TABLE): ``pk`` (S) + ``sk`` (S); TTL attribute ``expires_at`` (epoch
seconds; DynamoDB deletes lazily, so every read path also filters expired items); sparse,
keys-only GSIs ``by_phone`` (``phone_pk``/``phone_sk``) and ``by_email`` (``email_pk``/``email_sk``).

Every item a user owns lives under ``pk = USER#<user_id>``, so one Query on that partition finds
all of it (account erasure never Scans). Items keyed elsewhere are named below with how erasure
reaches them.

| item                  | pk             | sk                       | GSI keys                               |
|-----------------------|----------------|--------------------------|----------------------------------------|
| lead                  | USER#<user_id> | LEAD#<lead_id>           | by_phone: USER#<uid>#PHONE#<e164>;     |
|                       |                |                          | by_email: USER#<uid>#EMAIL#<email>     |
|                       |                |                          | (index sort key: LEAD#<lead_id>)       |
| activity              | USER#<user_id> | ACT#<lead_id>#<ulid>     |                                        |
| file record           | USER#<user_id> | FILE#<lead_id>#<file_id> |                                        |
| preferences           | USER#<user_id> | PREFS                    |                                        |
| device                | USER#<user_id> | DEVICE#<device_id>       |                                        |
| import job            | USER#<user_id> | IMPORT#<import_id>       |                                        |
| sealed import token   | USER#<user_id> | IMPORTTOKEN#<import_id>  | TTL ≤ 1 h; deleted when the import ends |
| OAuth state           | OAUTHSTATE#<sha256(state)> | OAUTHSTATE   | TTL ≤ 10 min; deleted on first read    |

``lead_id`` is a ULID: sorting ``sk`` sorts leads by creation time. An activity's own ULID carries
the time it happened (``at``), so an activity Query on ``ACT#<lead_id>#`` returns them by event time.
A check-in's location lives inside its activity item: deleting the activity deletes the location.
Uploaded files are S3 objects keyed ``users/<user_id>/leads/<lead_id>/<file ulid>``: no file name
in a key (keys reach S3 access logs), one prefix per user for erasure and one per lead for cascades.
Leads created by an import have deterministic ids (shared.imports.lead_ids): the import's time, then a
hash of the import id and the sheet row, so a re-run chunk rewrites the same items instead of
adding new ones.

Import items carry no Google Sheets data in the clear: the spreadsheet id, sheet title, column
mapping, PKCE verifier and access token exist only inside KMS ciphertext (encryption context:
purpose, user, import) on the OAuth state and token items, both short-lived. The OAuth state is
keyed by a hash of the state value (the callback has no other handle); it holds the user id and
expires within 10 minutes, so erasure reaches it by TTL (and every read checks its age).

Access patterns (calls per request):
1. create lead ............ PutItem, condition attribute_not_exists(pk) ................ 1
2. get lead ............... GetItem(USER#caller, LEAD#id): another user's id is simply absent 1
3. list leads, newest first Query pk = USER#caller AND begins_with(sk, "LEAD#"), desc ..... 1/page
4. search leads (q) ....... pattern 3 + FilterExpression on lower-cased search fields ..... ≤ 5/page
5. update lead ............ UpdateItem, condition attribute_exists(pk), ALL_NEW ........... 1
6. delete lead ............ DeleteItem, condition attribute_exists(pk) ..................... 1
7. leads by phone ......... Query by_phone: phone_pk = USER#caller#PHONE#<e164> ............ 1
8. leads by email ......... Query by_email: email_pk = USER#caller#EMAIL#<email> ........... 1
9. everything of a user ... Query pk = USER#<user_id> (paged), BatchWriteItem deletes ..... n/25
10. preferences ........... GetItem PREFS; PutItem with condition on version (optimistic) .. 1
11. devices ............... PutItem/UpdateItem DEVICE#id; Query begins_with DEVICE# ......... 1
12. activities of a lead .. Query begins_with ACT#<lead_id>#, newest first ................ 1/page
13. one activity / file ... GetItem / DeleteItem by the composite id's full key ............ 1
14. create under a lead ... TransactWriteItems: ConditionCheck lead exists + Put child ...... 1
15. lead delete cascade ... DeleteItem lead; Query ACT#/FILE# keys; BatchWriteItem deletes;
                            S3 ListObjectVersions + DeleteObjects on the lead's prefix ...... 1 + q + n/25 + 2·f/1000
16. log sync dedupe ....... BatchGetItem of the entries' deterministic keys ............... n/100
17. export ................ Query pk = USER#<user_id> over every item, paged ................ 1/page
18. start an import ....... PutItem job + PutItem OAuth state (+ KMS Encrypt) ............... 2
19. OAuth callback ........ DeleteItem state ALL_OLD (single use), PutItem token, UpdateItem
                            job (awaiting → running), StartExecution (+ KMS Decrypt/Encrypt) ... 3
20. import status / list .. GetItem job / Query begins_with(sk, "IMPORT#") desc ............. 1
21. import chunk .......... GetItem job, GetItem token, Query by_phone/by_email per distinct
                            contact in the block, BatchWriteItem per 25 new leads (+ retries of
                            UnprocessedItems), UpdateItem per updated lead, UpdateItem job
                            (counts + cursor, conditional on the cursor: exactly once)
22. finish an import ...... DeleteItem token, UpdateItem job ................................ 2
"""

from __future__ import annotations

LEAD_PREFIX = "LEAD#"
IMPORT_PREFIX = "IMPORT#"


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def lead_sk(lead_id: str) -> str:
    return f"{LEAD_PREFIX}{lead_id}"


def lead_id_from_sk(sk: str) -> str:
    return sk.removeprefix(LEAD_PREFIX)


def phone_pk(user_id: str, e164: str) -> str:
    return f"USER#{user_id}#PHONE#{e164}"


def email_pk(user_id: str, email: str) -> str:
    return f"USER#{user_id}#EMAIL#{email.lower()}"


PREFS_SK = "PREFS"
DEVICE_PREFIX = "DEVICE#"
ACTIVITY_PREFIX = "ACT#"
FILE_PREFIX = "FILE#"


def device_sk(device_id: str) -> str:
    return f"{DEVICE_PREFIX}{device_id}"


def activity_sk(lead_id: str, own_id: str = "") -> str:
    return f"{ACTIVITY_PREFIX}{lead_id}#{own_id}"


def file_sk(lead_id: str, own_id: str = "") -> str:
    return f"{FILE_PREFIX}{lead_id}#{own_id}"


def user_prefix(user_id: str) -> str:
    """Every S3 object of a user lives under this prefix."""
    return f"users/{user_id}/"


def lead_prefix(user_id: str, lead_id: str) -> str:
    return f"users/{user_id}/leads/{lead_id}/"


def file_object_key(user_id: str, lead_id: str, own_id: str) -> str:
    return f"{lead_prefix(user_id, lead_id)}{own_id}"


def import_sk(import_id: str) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


def import_id_from_sk(sk: str) -> str:
    return sk.removeprefix(IMPORT_PREFIX)


def import_token_sk(import_id: str) -> str:
    return f"IMPORTTOKEN#{import_id}"


def oauth_state_pk(state_hash: str) -> str:
    return f"OAUTHSTATE#{state_hash}"


OAUTH_STATE_SK = "OAUTHSTATE"
