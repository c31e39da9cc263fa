"""Google OAuth 2.0 for web servers: authorization code with PKCE (S256), ``access_type=online``.

Through google-auth-oauthlib's ``Flow``. Online access means Google issues no refresh token:
the access token (≤ 1 hour) is all the import ever holds. ``Flow.fetch_token(code=…)`` does not
check ``state``; the callback does (shared.imports.callback), by deleting the state item it
names before the code is spent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import requests
from google_auth_oauthlib.flow import Flow
from oauthlib.oauth2.rfc6749.errors import OAuth2Error

from shared.privacy import Pii

SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
# The narrowest Drive scope: only files the user opens or picks with this app. The import reads
# through the Sheets API, which needs SHEETS_SCOPE; Drive access is never broader than this.
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.file"
SCOPES = (SHEETS_SCOPE, DRIVE_SCOPE)
STATE_BYTES = 32


@dataclass(frozen=True)
class OAuthClientConfig:
    client_id: str
    client_secret: Pii[str]
    auth_uri: str
    token_uri: str
    redirect_uri: str


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: Pii[str]
    code_verifier: Pii[str]


@dataclass(frozen=True)
class AccessToken:
    token: Pii[str]
    expires_in: int
    scopes: frozenset[str]


class AuthorizationRejected(Exception):
    """Google refused the code (spent, expired, wrong verifier or redirect)."""


class GoogleUnavailable(Exception):
    """Google's token endpoint could not be reached or answered nonsense."""


class GoogleOAuth:
    """Integrations: Google's authorization endpoint (a URL for the browser) and token endpoint."""

    def __init__(self, config: OAuthClientConfig, *, timeout_s: float = 10.0) -> None:
        self._config = config
        self._timeout = timeout_s

    def _flow(self, code_verifier: str | None) -> Flow:
        client_config: dict[str, Any] = {
            "web": {
                "client_id": self._config.client_id,
                "client_secret": self._config.client_secret.reveal(),
                "auth_uri": self._config.auth_uri,
                "token_uri": self._config.token_uri,
                "redirect_uris": [self._config.redirect_uri],
            }
        }
        return Flow.from_client_config(
            client_config,
            scopes=list(SCOPES),
            redirect_uri=self._config.redirect_uri,
            code_verifier=code_verifier,
            autogenerate_code_verifier=code_verifier is None,
        )

    def authorization_request(self) -> AuthorizationRequest:
        """A fresh state and PKCE verifier, and Google's consent URL for them (S256 challenge)."""
        state = secrets.token_urlsafe(STATE_BYTES)
        flow = self._flow(None)
        url, _ = flow.authorization_url(access_type="online", state=state, prompt="consent")
        return AuthorizationRequest(url=url, state=Pii(state), code_verifier=Pii(str(flow.code_verifier)))

    def authorization_url(self, state: Pii[str], code_verifier: Pii[str]) -> str:
        """Google's consent URL for a state and verifier made earlier (the same URL
        ``authorization_request`` gave): built only once the user has continued on our consent page."""
        flow = self._flow(code_verifier.reveal())
        url, _ = flow.authorization_url(access_type="online", state=state.reveal(), prompt="consent")
        return str(url)

    def exchange(self, code: str, code_verifier: Pii[str]) -> AccessToken:
        """Spend the authorization code (once: Google refuses it a second time)."""
        flow = self._flow(code_verifier.reveal())
        try:
            token: dict[str, Any] = flow.fetch_token(code=code, timeout=self._timeout)
        except OAuth2Error:
            raise AuthorizationRejected() from None
        except Warning as changed:  # oauthlib: "Scope has changed" — the user unticked a scope
            token = dict(getattr(changed, "token", None) or {})
            if not token.get("access_token"):
                raise AuthorizationRejected() from None
        except (requests.RequestException, ValueError):
            raise GoogleUnavailable() from None
        scope = token.get("scope") or ""
        granted = frozenset(scope.split() if isinstance(scope, str) else scope)
        try:
            expires_in = int(token.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600
        return AccessToken(token=Pii(str(token["access_token"])), expires_in=expires_in, scopes=granted)
