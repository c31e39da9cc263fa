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
| activity (planned)    | USER#<user_id> | ACT#<lead_id>#<ulid>     |                                        |
| file record (planned) | USER#<user_id> | FILE#<lead_id>#<file_id> |                                        |
| preferences (planned) | USER#<user_id> | PREFS                    |                                        |
| device (planned)      | USER#<user_id> | DEVICE#<device_id>       |                                        |
| import job            | USER#<user_id> | IMPORT#<import_id>       |                                        |
| sealed import token   | USER#<user_id> | IMPORTTOKEN#<import_id>  | TTL ≤ 1 h; deleted when the import ends |
| OAuth state           | OAUTHSTATE#<sha256(state)> | OAUTHSTATE   | TTL ≤ 10 min; deleted on first read    |

``lead_id`` is a ULID: sorting ``sk`` sorts leads by creation time. Leads created by an import
have deterministic ids (shared.imports.ids): the import's time, then a hash of the import id and
the sheet row, so a re-run chunk rewrites the same items instead of adding new ones.

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
10. start an import ....... PutItem job + PutItem OAuth state (+ KMS Encrypt) ............... 2
11. OAuth callback ........ DeleteItem state ALL_OLD (single use), PutItem token, UpdateItem
                            job (awaiting → running), StartExecution (+ KMS Decrypt/Encrypt) ... 3
12. import status / list .. GetItem job / Query begins_with(sk, "IMPORT#") desc ............. 1
13. import chunk .......... GetItem job, GetItem token, Query by_phone/by_email per distinct
                            contact in the block, BatchWriteItem per 25 new leads (+ retries of
                            UnprocessedItems), UpdateItem per updated lead, UpdateItem job
                            (counts + cursor, conditional on the cursor: exactly once)
14. finish an import ...... DeleteItem token, UpdateItem job ................................ 2
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


def import_sk(import_id: str) -> str:
    return f"{IMPORT_PREFIX}{import_id}"


def import_id_from_sk(sk: str) -> str:
    return sk.removeprefix(IMPORT_PREFIX)


def import_token_sk(import_id: str) -> str:
    return f"IMPORTTOKEN#{import_id}"


def oauth_state_pk(state_hash: str) -> str:
    return f"OAUTHSTATE#{state_hash}"


OAUTH_STATE_SK = "OAUTHSTATE"
