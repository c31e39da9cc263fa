"""Dependencies of the import's API and OAuth callback functions: consent URLs, the code
exchange and the workflow start. Kept apart from :mod:`shared.imports.wiring` so the workflow
steps do not load google-auth-oauthlib (≈ 20 ms of each of their cold starts)."""

from __future__ import annotations

from functools import cache

from shared.core import aws
from shared.core.settings import settings
from shared.imports.callback import StepFunctionsStarter
from shared.imports.google.oauth import GoogleOAuth, OAuthClientConfig
from shared.privacy import Pii


def _oauth_config(client_secret: Pii[str]) -> OAuthClientConfig:
    config = settings()
    config.require("google_client_id", "oauth_redirect_uri")
    return OAuthClientConfig(
        client_id=config.google_client_id,
        client_secret=client_secret,
        auth_uri=config.google_auth_uri,
        token_uri=config.google_token_uri,
        redirect_uri=config.oauth_redirect_uri,
    )


@cache
def authorization_client() -> GoogleOAuth:
    """Builds consent URLs: needs the client id, not the secret."""
    return GoogleOAuth(_oauth_config(Pii("")))


@cache
def token_client() -> GoogleOAuth:
    """Spends authorization codes: needs the client secret (Secrets Manager, read once)."""
    config = settings()
    config.require("google_client_secret_arn")
    secret = aws.secretsmanager().get_secret_value(SecretId=config.google_client_secret_arn)["SecretString"]
    return GoogleOAuth(_oauth_config(Pii(secret)))


@cache
def workflow_starter() -> StepFunctionsStarter:
    config = settings()
    config.require("import_state_machine_arn")
    return StepFunctionsStarter(aws.stepfunctions(), config.import_state_machine_arn)
