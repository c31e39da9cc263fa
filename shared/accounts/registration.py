"""Registration: the account in Cognito, and the preferences it starts with.

A new account reads national-format numbers (in leads, imports, call and SMS logs) with its own
phone's country until the user chooses another ``default_region``: a US user's "(415) 555-2671"
is +1 415 555 2671, never +91 415 555 2671.
"""

from __future__ import annotations

from typing import Protocol

from shared.accounts.models import RegisterRequest, RegisterResponse
from shared.core.clock import utcnow
from shared.core.phone import region_of
from shared.preferences.repository import PreferencesRepository


class SignUp(Protocol):
    def register(self, body: RegisterRequest) -> RegisterResponse: ...


def register_account(accounts: SignUp, preferences: PreferencesRepository, body: RegisterRequest) -> RegisterResponse:
    """AWS calls: 1 SignUp + 1 PutItem (the preferences, still version 0; kept if they exist)."""
    registered = accounts.register(body)
    region = region_of(body.phone)
    if region:
        preferences.initialize(registered.user_id, {"default_region": region}, utcnow())
    return registered
