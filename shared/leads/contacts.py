"""Contact items: each phone (E.164) and email of a user's leads, pointing at the one lead that
holds it — the exact, strongly consistent index that deduplicates imports and matches call and
SMS logs, in the user's own partition (erasure takes them with everything else).

| item    | pk             | sk                        | attributes |
|---------|----------------|---------------------------|------------|
| contact | USER#<user_id> | CONTACT#phone#<e164>      | lead_id    |
| contact | USER#<user_id> | CONTACT#email#<address>   | lead_id    |

A phone or an email belongs to at most one lead of a user: a create or update that would give a
second lead the same one is refused (``409 contact_exists``, naming the lead that has it), an
import fills in or skips the lead that has it. They are written, moved and deleted with every
lead write (shared/leads/repository.py); looked up with BatchGetItem, 100 keys a call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from shared.core.dynamodb import key
from shared.core.layout import CONTACT_PREFIX, user_pk

ContactKind = Literal["phone", "email"]
ContactKey = tuple[ContactKind, str]  # ("phone", "+9198…") or ("email", "ravi@example.com")


def contact_sk(contact: ContactKey) -> str:
    kind, value = contact
    return f"{CONTACT_PREFIX}{kind}#{value.lower() if kind == 'email' else value}"


def contact_item_key(user_id: str, contact: ContactKey) -> dict[str, Any]:
    return key(user_pk(user_id), contact_sk(contact))


def contact_from_sk(sk: str) -> ContactKey:
    kind, value = sk.removeprefix(CONTACT_PREFIX).split("#", 1)
    return ("phone", value) if kind == "phone" else ("email", value)


def contacts_of(phone: str | None, email: str | None) -> list[ContactKey]:
    """What a lead is found by: its phone first, then its email."""
    found: list[ContactKey] = []
    if phone:
        found.append(("phone", phone))
    if email:
        found.append(("email", email.lower()))
    return found


def contact_item(user_id: str, contact: ContactKey, lead_id: str) -> dict[str, Any]:
    return contact_item_key(user_id, contact) | {"lead_id": {"S": lead_id}}


def distinct(contacts: Iterable[ContactKey]) -> list[ContactKey]:
    return list(dict.fromkeys((kind, value.lower() if kind == "email" else value) for kind, value in contacts))
