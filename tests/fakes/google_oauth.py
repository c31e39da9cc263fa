"""Google's OAuth endpoints as the import uses them (shared/imports/google/oauth.py ``GoogleOAuth``):
consent URLs (``AuthorizationStarter``, ``ConsentUrls``) and the code exchange (``TokenExchanger``).

Like Google: each consent request has a fresh state and PKCE verifier; a code is spent once (a
second exchange is ``AuthorizationRejected``); the token comes with the scopes the user granted.
Set ``failure`` to make every exchange raise it (``AuthorizationRejected()``,
``GoogleUnavailable()``, anything), ``scopes`` to what the user left ticked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from shared.imports.google.oauth import SCOPES, AccessToken, AuthorizationRejected, AuthorizationRequest
from shared.privacy import Pii


@dataclass
class FakeGoogleOAuth:
    access_token: str = field(default_factory=lambda: f"ya29.fake-{secrets.token_urlsafe(16)}")
    scopes: frozenset[str] = frozenset(SCOPES)
    expires_in: int = 3599
    failure: Exception | None = None
    issued: list[AuthorizationRequest] = field(default_factory=list)
    exchanges: list[tuple[str, Pii[str]]] = field(default_factory=list)  # (code, verifier) of each attempt
    _spent: set[str] = field(default_factory=set)

    def authorization_request(self) -> AuthorizationRequest:
        state = secrets.token_urlsafe(32)
        request = AuthorizationRequest(
            url=f"https://accounts.google.test/o/oauth2/auth?state={state}",
            state=Pii(state),
            code_verifier=Pii(secrets.token_urlsafe(48)),
        )
        self.issued.append(request)
        return request

    def authorization_url(self, state: Pii[str], code_verifier: Pii[str]) -> str:
        return f"https://accounts.google.test/o/oauth2/auth?state={state.reveal()}"

    def exchange(self, code: str, code_verifier: Pii[str]) -> AccessToken:
        self.exchanges.append((code, code_verifier))
        if self.failure is not None:
            raise self.failure
        if code in self._spent:
            raise AuthorizationRejected()
        self._spent.add(code)
        return AccessToken(token=Pii(self.access_token), expires_in=self.expires_in, scopes=self.scopes)
