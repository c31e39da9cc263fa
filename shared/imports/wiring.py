"""The import capability's real adapters, built once per cold start (clients and config — never
sheet data, which lives only inside one invocation). The workflow steps' own are in
``step_wiring``, so the import's API does not load the steps.

Google's OAuth client library is imported inside the factories that build OAuth clients: the
workflow steps use this module too and never load it (≈ 20 ms of each of their cold starts).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from shared.core import aws
from shared.core.settings import settings
from shared.core.workflows import start_execution
from shared.imports.repository import DynamoImportRepository
from shared.imports.vault import KmsVault
from shared.privacy import Pii

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    from shared.imports.google.oauth import GoogleOAuth, OAuthClientConfig

# The OAuth client secret is read through Powertools' parameters cache: a rotated secret is
# picked up within this many seconds, without a redeploy or a cold start.
CLIENT_SECRET_MAX_AGE_S = 300


@cache
def import_repository() -> DynamoImportRepository:
    return DynamoImportRepository(aws.dynamodb(), settings().table_name)


@cache
def vault() -> KmsVault:
    return KmsVault(aws.kms(), settings().import_key_id)


def _oauth_config(client_secret: Pii[str]) -> OAuthClientConfig:
    from shared.imports.google.oauth import OAuthClientConfig

    config = settings()
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
    from shared.imports.google.oauth import GoogleOAuth

    return GoogleOAuth(_oauth_config(Pii("")))


@cache
def _secrets() -> SecretsProvider:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=aws.secretsmanager())


def token_client() -> GoogleOAuth:
    """Spends authorization codes: needs the client secret (Secrets Manager, cached for
    ``CLIENT_SECRET_MAX_AGE_S``)."""
    from shared.imports.google.oauth import GoogleOAuth

    secret = _secrets().get(settings().google_client_secret_arn, max_age=CLIENT_SECRET_MAX_AGE_S)
    return GoogleOAuth(_oauth_config(Pii(str(secret))))


class StepFunctionsStarter:
    """Starts the import workflow, once per import (the execution is named after it).

    Integrations: Step Functions (StartExecution)."""

    def __init__(self, client: object, state_machine_arn: str) -> None:
        self._sfn = client
        self._arn = state_machine_arn

    def start(self, import_id: str) -> None:
        start_execution(self._sfn, self._arn, import_id, {"import_id": import_id})


@cache
def workflow_starter() -> StepFunctionsStarter:
    return StepFunctionsStarter(aws.stepfunctions(), settings().import_state_machine_arn)


class StepFunctionsUndoStarter:
    """Starts the undo workflow, once per attempt (named after the import and the attempt).

    Integrations: Step Functions (StartExecution)."""

    def __init__(self, client: object, state_machine_arn: str) -> None:
        self._sfn = client
        self._arn = state_machine_arn

    def start(self, import_id: str, attempt: str) -> None:
        start_execution(self._sfn, self._arn, f"{import_id}-{attempt}", {"import_id": import_id})


@cache
def undo_starter() -> StepFunctionsUndoStarter:
    return StepFunctionsUndoStarter(aws.stepfunctions(), settings().import_undo_state_machine_arn)
