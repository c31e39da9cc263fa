"""Lead management for one user: every function takes the caller's id, so tenancy is structural."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from shared.core import cursors
from shared.core.clock import utcnow
from shared.core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from shared.core.ids import is_id
from shared.core.layout import lead_prefix
from shared.core.object_store import ObjectDeleter
from shared.core.phone import InvalidPhone, to_e164
from shared.core.ulids import new_id
from shared.core.versions import NO_PRECONDITION, Precondition, VersionMismatch
from shared.leads.models import LeadCreate, LeadPatch
from shared.leads.output import Lead, LeadPage
from shared.leads.records import to_model
from shared.leads.repository import ContactTaken, LeadRecord, LeadRepository, LeadUnreachable
from shared.privacy import get_logger

logger = get_logger()

_CURSOR_PREFIX = "l1:"


class InvalidLeadPhone(InvalidInput):
    code = "invalid_phone"
    message = "The phone number is not valid; use international format or give phone_region."


class ContactExists(Conflict):
    """A phone or an email belongs to one lead of a user: the app can open the one that has it."""

    code = "contact_exists"
    message = "Another of your leads has this phone or email."

    def __init__(self, taken: ContactTaken) -> None:
        super().__init__(details=[{"field": f"body.{taken.kind}", "type": "taken", "lead_id": taken.owner}])


class LeadNeedsContact(InvalidInput):
    code = "lead_needs_contact"
    message = "A lead needs a phone or an email; this change would remove the last one."


def encode_cursor(lead_id: str) -> str:
    return cursors.encode(_CURSOR_PREFIX, lead_id)


def decode_cursor(cursor: str) -> str:
    """The lead id to resume after. Only an id: the partition is always the caller's own."""
    return cursors.decode(_CURSOR_PREFIX, cursor, is_id)


# The region a user's national-format numbers are read with (their default_region, else the
# deployment's): a value, or a lookup made only when a number needs it.
UserRegion = str | Callable[[], str]
_PHONE_LIKE = re.compile(r"^\+?[\d\s().\-]{3,32}$")


def _region(user_region: UserRegion | None) -> str | None:
    return user_region() if callable(user_region) else user_region


def _normalize_phone(raw: str | None, explicit_region: str | None, user_region: UserRegion | None) -> str | None:
    """E.164 from international format, or from national format read with the request's
    ``phone_region``, else the user's region. Not valid there: 422 invalid_phone, never a guess."""
    if raw is None:
        return None
    region = None if raw.lstrip().startswith("+") else (explicit_region or _region(user_region))
    try:
        return to_e164(raw, region)
    except InvalidPhone:
        raise InvalidLeadPhone() from None


def search_text(query: str, user_region: UserRegion | None) -> str:
    """What ``?q=`` looks for: a phone typed in any format ("(415) 555-2671", "+1 415-555-2671",
    "0987 6511 223") is searched as the digits of its E.164 form; a fragment of one as its digits."""
    text = query.strip()
    if not _PHONE_LIKE.match(text) or sum(char.isdigit() for char in text) < 3:
        return text
    try:
        return _normalize_phone(text, None, user_region) or text
    except InvalidLeadPhone:
        return "".join(char for char in text if char.isdigit())


def create_lead(repo: LeadRepository, user_id: str, body: LeadCreate, default_region: UserRegion) -> Lead:
    now = utcnow()
    record = LeadRecord(
        lead_id=new_id(),
        name=body.name,
        source=body.source,
        created_at=now,
        updated_at=now,
        phone=_normalize_phone(body.phone, body.phone_region, default_region),
        email=body.email.lower() if body.email else None,
        company=body.company or None,
        notes=body.notes or None,
        tags=list(dict.fromkeys(body.tags)),
    )
    try:
        repo.create(user_id, record)
    except ContactTaken as taken:
        raise ContactExists(taken) from None
    logger.info("lead created", extra={"source": body.source})
    return to_model(record)


def get_lead(repo: LeadRepository, user_id: str, lead_id: str) -> Lead:
    record = repo.get(user_id, lead_id) if is_id(lead_id) else None
    if record is None:
        raise NotFound("No such lead.", code="lead_not_found")
    return to_model(record)


def list_leads(
    repo: LeadRepository,
    user_id: str,
    limit: int,
    cursor: str | None,
    query: str | None,
    default_region: UserRegion | None = None,
) -> LeadPage:
    after = decode_cursor(cursor) if cursor else None
    page = repo.page(user_id, limit=limit, after=after, query=search_text(query, default_region) if query else None)
    return LeadPage(
        items=[to_model(r) for r in page.items],
        next_cursor=encode_cursor(page.last_lead_id) if page.last_lead_id else None,
    )


def update_lead(
    repo: LeadRepository,
    user_id: str,
    lead_id: str,
    body: LeadPatch,
    default_region: UserRegion,
    expected: Precondition = NO_PRECONDITION,
) -> Lead:
    if not is_id(lead_id):
        raise NotFound("No such lead.", code="lead_not_found")
    changes: dict[str, Any] = {}
    for name in body.model_fields_set - {"phone_region"}:
        value = getattr(body, name)
        if name == "phone":
            value = _normalize_phone(value, body.phone_region, default_region)
        elif name == "email" and value is not None:
            value = value.lower()
        elif name == "tags":
            value = list(dict.fromkeys(value or []))
        elif isinstance(value, str) and not value:
            value = None
        changes[name] = value
    if "phone" in changes and "email" in changes and not changes["phone"] and not changes["email"]:
        raise LeadNeedsContact()
    try:
        record = repo.update(user_id, lead_id, changes, utcnow(), expected)
    except LeadUnreachable:
        raise LeadNeedsContact() from None
    except ContactTaken as taken:
        raise ContactExists(taken) from None
    except VersionMismatch as stale:
        raise PreconditionFailed(stale.current) from None
    if record is None:
        raise NotFound("No such lead.", code="lead_not_found")
    return to_model(record)


def delete_lead(
    repo: LeadRepository,
    delete_children: Callable[[str, str], int],
    store: ObjectDeleter,
    user_id: str,
    lead_id: str,
    expected: Precondition = NO_PRECONDITION,
) -> None:
    """Delete a lead with its activities (and their locations), file records and every stored
    version of its files. Children go first and are swept again after the lead: a child created
    concurrently either lands before the sweep or is refused (it must see its lead exist). With
    an If-Match, the lead's version is checked before anything is deleted (and again, atomically,
    when the lead itself is).

    AWS calls: [1 GetItem with If-Match] + 2 key Queries + ceil(children/25) BatchWriteItem + 1
    ListObjectVersions + ceil(objects/1000) DeleteObjects + 1 TransactWriteItems + 2 sweep Queries.
    """
    if not is_id(lead_id):
        raise NotFound("No such lead.", code="lead_not_found")
    if expected.versions is not None:
        current = repo.get(user_id, lead_id)
        if current is None:
            raise NotFound("No such lead.", code="lead_not_found")
        if not expected.allows(current.version):
            raise PreconditionFailed(current.version)
    removed = delete_children(user_id, lead_id)
    objects = store.delete_everything_under(lead_prefix(user_id, lead_id))
    try:
        deleted = repo.delete(user_id, lead_id, expected)
    except VersionMismatch as stale:
        raise PreconditionFailed(stale.current) from None
    if not deleted:
        raise NotFound("No such lead.", code="lead_not_found")
    removed += delete_children(user_id, lead_id)
    logger.info("lead deleted", extra={"children_deleted": removed, "objects_deleted": objects.deleted})
