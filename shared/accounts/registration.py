"""Registration: the account in Cognito, and the preferences it starts with.

A new account reads national-format numbers (in leads, imports, call and SMS logs) with its own
phone's country until the user chooses another ``default_region``: a US user's "(415) 555-2671"
is +1 415 555 2671, never +91 415 555 2671.

No account enumeration through sign-up: an email that already has an account gets exactly the
answer a new one gets — 201, a fresh random user id (a real one is random too, and the app only
ever uses the id its tokens carry), confirmation required. Nothing is written for that id and the
existing account is not touched. Its owner gets no email: Cognito has no message to send for
this, and mailing owners on every attempt would let anyone flood a mailbox; a new registration
mails its code to the address, which only the mailbox's owner can read either way. Cognito's
user-existence protection covers sign-in, confirmation and recovery, not SignUp, so this is ours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from shared.accounts.models import RegisterRequest
from shared.accounts.output import RegisterResponse
from shared.core.clock import utcnow
from shared.core.phone import region_of
from shared.preferences.repository import PreferencesRepository


class SignUp(Protocol):
    def register(self, body: RegisterRequest) -> RegisterResponse | None:
        """The new account, or None if the email already has one."""
        ...


@dataclass(frozen=True)
class Registration:
    answer: RegisterResponse
    created: bool  # False: the email had an account; the answer only looks like a new one


def register_account(accounts: SignUp, preferences: PreferencesRepository, body: RegisterRequest) -> Registration:
    """AWS calls: 1 SignUp + 1 PutItem (the preferences, still version 0; kept if they exist);
    for a taken email, the SignUp only."""
    registered = accounts.register(body)
    if registered is None:
        return Registration(RegisterResponse(user_id=str(uuid.uuid4()), confirmation_required=True), created=False)
    region = region_of(body.phone)
    if region:
        preferences.initialize(registered.user_id, {"default_region": region}, utcnow())
    return Registration(registered, created=True)
