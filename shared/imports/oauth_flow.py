"""What the imports API (which starts Google's OAuth flow) and the google_oauth function (our
consent page and Google's callback, which finish it) must agree on: where the consent page is,
how an OAuth state is keyed, and the error code of a flow that ran out of time.

A module of its own so that the google_oauth function does not load the imports API's models,
undo rules and python-ulid for them.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode, urlsplit

from shared.privacy import Pii

AUTHORIZATION_TIMEOUT = "authorization_timeout"
CONSENT_PATH = "/v1/oauth/google/consent"


def origin_of(url: str) -> str:
    """``https://api.example.com/v1/oauth/google/callback`` → ``https://api.example.com``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def consent_url(redirect_uri: str, state: Pii[str]) -> str:
    """Our consent page for a state (shared/imports/consent.py), on the callback's origin: the
    ``authorization_url`` a client opens. Google's own URL is given only by that page."""
    return f"{origin_of(redirect_uri)}{CONSENT_PATH}?{urlencode({'state': state.reveal()})}"


def state_hash(state: Pii[str]) -> str:
    """The OAuth state is a bearer secret until spent: only its hash is a key."""
    return hashlib.sha256(state.reveal().encode()).hexdigest()
