"""Which Google the local stack talks to: its fake, or the one ``make run``'s environment names.

With none of ``GOOGLE_CLIENT_ID``, ``GOOGLE_CLIENT_SECRET``, ``GOOGLE_AUTH_URI``,
``GOOGLE_TOKEN_URI``, ``GOOGLE_SHEETS_URL`` set, it is local/fake_google.py. With any of them set,
the environment wins as a whole: an endpoint left unset is Google's own (shared.core.settings'
default, as in AWS), and the client id and secret are both required, since no Google accepts
half of the fake's credentials.

The client secret travels as in AWS: into the Secrets Manager secret that
``GOOGLE_CLIENT_SECRET_ARN`` names, never into the functions' environment, the banner or a log
(``Pii`` masks it wherever it is formatted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from local.fake_google import FakeGoogle
from shared import resources as spec
from shared.privacy import Pii

CLIENT_SECRET_ENV = "GOOGLE_CLIENT_SECRET"
"""Local only: in AWS the secret is put into Secrets Manager by an operator (docs/deploy.md)."""

SETTINGS_ENV = (
    spec.ENV_GOOGLE_CLIENT_ID,
    CLIENT_SECRET_ENV,
    spec.ENV_GOOGLE_AUTH_URI,
    spec.ENV_GOOGLE_TOKEN_URI,
    spec.ENV_GOOGLE_SHEETS_URL,
)

FAKE_RETRY_BASE_MS = "20"  # backoff against the fake: milliseconds, not seconds


class IncompleteGoogleSettings(ValueError):
    """Some Google settings are in the environment, but not the client id and secret."""


@dataclass(frozen=True)
class GoogleSettings:
    """An OAuth client and the endpoints it is used with; ``None`` endpoints mean Google's own."""

    client_id: str
    client_secret: Pii[str]
    auth_uri: str | None = None
    token_uri: str | None = None
    sheets_url: str | None = None
    retry_base_ms: str | None = None

    @classmethod
    def of_fake(cls, url: str) -> GoogleSettings:
        """The fake Google listening on ``url``, with its own (public) client credentials."""
        return cls(
            client_id=FakeGoogle.client_id,
            client_secret=Pii(FakeGoogle.client_secret),
            auth_uri=f"{url}/o/oauth2/auth",
            token_uri=f"{url}/token",
            sheets_url=url,
            retry_base_ms=FAKE_RETRY_BASE_MS,
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> GoogleSettings | None:
        """The settings ``environ`` gives; ``None`` when it gives none (use the fake)."""
        given = {name: environ[name] for name in SETTINGS_ENV if environ.get(name)}
        if not given:
            return None
        for required in (spec.ENV_GOOGLE_CLIENT_ID, CLIENT_SECRET_ENV):
            if required not in given:
                raise IncompleteGoogleSettings(
                    f"{required} is not set: with any of {', '.join(SETTINGS_ENV)} in the environment, "
                    f"{spec.ENV_GOOGLE_CLIENT_ID} and {CLIENT_SECRET_ENV} are both needed "
                    "(with none of them, the local fake Google is used)"
                )
        return cls(
            client_id=given[spec.ENV_GOOGLE_CLIENT_ID],
            client_secret=Pii(given[CLIENT_SECRET_ENV]),
            auth_uri=given.get(spec.ENV_GOOGLE_AUTH_URI),
            token_uri=given.get(spec.ENV_GOOGLE_TOKEN_URI),
            sheets_url=given.get(spec.ENV_GOOGLE_SHEETS_URL),
        )

    def environment(self) -> dict[str, str | None]:
        """What the functions' environment holds of these settings (``None``: unset)."""
        values: dict[str, str | None] = {
            spec.ENV_GOOGLE_CLIENT_ID: self.client_id,
            spec.ENV_GOOGLE_AUTH_URI: self.auth_uri,
            spec.ENV_GOOGLE_TOKEN_URI: self.token_uri,
            spec.ENV_GOOGLE_SHEETS_URL: self.sheets_url,
            CLIENT_SECRET_ENV: None,  # read from Secrets Manager, as in AWS
        }
        if self.retry_base_ms is not None:
            values[spec.ENV_GOOGLE_RETRY_BASE_MS] = self.retry_base_ms
        return values
