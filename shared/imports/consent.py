"""Our own consent step, between the app and Google: a forwarded link must not deliver one
person's spreadsheet into another person's account.

``authorization_url`` (what ``POST /v1/imports/google-sheets`` returns) opens this page, not
Google. Before Google is contacted it shows who receives the data (the account's email, masked)
and which spreadsheet (its id, shortened). Only its Continue button — a same-origin POST — leads
on to Google; it ties the OAuth state to that browser (the hash of a random, HttpOnly cookie),
and the callback accepts Google's redirect only in the browser that continued. So:

- a forwarded authorization link shows the forwarder's account to whoever opens it, and nothing
  happens unless that person confirms importing into it;
- a forwarded Google link (copied after Continue) lands, after consent, in a browser without the
  cookie: the callback refuses it, spends the state and never exchanges the code;
- another site cannot press Continue for a visitor: a POST whose Origin is not ours is refused.

Integrations: DynamoDB (GetItem or UpdateItem on the state), KMS (Decrypt).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from shared.imports.oauth_flow import state_hash
from shared.imports.repository import ImportRepository, OAuthStateRecord
from shared.imports.sealed import PendingAuthorization
from shared.imports.vault import SealBroken, Vault
from shared.privacy import Pii, get_logger
from shared.resources import OAUTH_STATE_MAX_SECONDS

logger = get_logger()

# __Host-: Secure, only from our host, for every path of it; HttpOnly; SameSite=Lax, because
# Google's redirect back is a top-level GET from another site, which Lax lets through.
COOKIE_NAME = "__Host-import-consent"
COOKIE_MAX_AGE = OAUTH_STATE_MAX_SECONDS
CONSENT_NOT_CONFIRMED = "consent_not_confirmed"
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class ConsentUrls(Protocol):
    def authorization_url(self, state: Pii[str], code_verifier: Pii[str]) -> str: ...


def browser_id(cookie: str) -> str:
    """What the state keeps of the browser: the cookie's hash (the cookie itself is a secret)."""
    return hashlib.sha256(cookie.encode()).hexdigest()


def cookie_from(cookies: list[str]) -> str | None:
    """This step's cookie among the request's (``name=value`` strings, as API Gateway gives them)."""
    for cookie in cookies:
        name, _, value = cookie.partition("=")
        if name.strip() == COOKIE_NAME and _COOKIE_VALUE.match(value.strip()):
            return value.strip()
    return None


def shortened(spreadsheet_id: str) -> str:
    """Enough of the id for its owner to recognize it (the end of the sheet's URL), not all of it."""
    return f"{spreadsheet_id[:4]}…{spreadsheet_id[-4:]}"


def is_same_browser(record: OAuthStateRecord, cookie: str | None) -> bool:
    """The callback's check: this browser pressed Continue for this state."""
    if not record.browser or not cookie:
        return False
    return hmac.compare_digest(record.browser, browser_id(cookie))


@dataclass(frozen=True)
class ConsentView:
    """What the page shows, and the state its Continue button posts back."""

    account: str
    sheet: str
    state: Pii[str]


@dataclass(frozen=True)
class Continuation:
    """Where Continue leads: Google's consent URL, and the cookie that names this browser."""

    google_url: str
    cookie: str


ConsentRefusal = Literal["refused", "cross_site"]


def _usable(record: OAuthStateRecord | None, now: datetime) -> bool:
    return record is not None and now - record.created_at <= timedelta(seconds=OAUTH_STATE_MAX_SECONDS)


def _open(vault: Vault, record: OAuthStateRecord) -> PendingAuthorization | None:
    try:
        return PendingAuthorization.from_bytes(
            vault.open(record.sealed, user_id=record.user_id, import_id=record.import_id)
        )
    except SealBroken:
        return None


def show_consent(
    jobs: ImportRepository, vault: Vault, state: str | None, now: datetime
) -> ConsentView | ConsentRefusal:
    """The page for a state: read, never spent (opening the link twice is fine).

    Integrations: DynamoDB (GetItem), KMS (Decrypt)."""
    if not state:
        return "refused"
    record = jobs.read_state(state_hash(Pii(state)))
    pending = _open(vault, record) if record is not None and _usable(record, now) else None
    if pending is None or not pending.account:
        logger.info("import consent page refused", extra={"reason": "unknown_state"})
        return "refused"
    return ConsentView(account=pending.account, sheet=shortened(pending.sheet.spreadsheet_id), state=Pii(state))


def confirm_consent(
    jobs: ImportRepository,
    vault: Vault,
    oauth: ConsentUrls,
    *,
    state: str | None,
    origin: str | None,
    own_origin: str,
    cookie: str | None,
    now: datetime,
) -> Continuation | ConsentRefusal:
    """Continue pressed: tie the state to this browser and lead on to Google.

    ``origin``: the request's Origin header (browsers send it with every POST); only our own
    page may confirm. ``cookie``: this browser's consent cookie, if it has one already (it keeps
    it: several imports may wait in one browser).

    Integrations: DynamoDB (UpdateItem, conditional), KMS (Decrypt)."""
    if origin is None or not hmac.compare_digest(origin, own_origin):
        logger.info("import consent refused", extra={"reason": "cross_site"})
        return "cross_site"
    if not state:
        return "refused"
    cookie = cookie or secrets.token_urlsafe(32)
    record = jobs.bind_state(state_hash(Pii(state)), browser_id(cookie))
    pending = _open(vault, record) if record is not None and _usable(record, now) else None
    if record is None or pending is None:  # unknown, spent, expired, or another browser's
        logger.info("import consent refused", extra={"reason": "unknown_state"})
        return "refused"
    logger.info("import consent confirmed", extra={"import_id": record.import_id})
    return Continuation(google_url=oauth.authorization_url(Pii(state), pending.code_verifier), cookie=cookie)
