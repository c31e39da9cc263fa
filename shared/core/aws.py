"""boto3 clients, created by a function's first request and reused by every later invocation.

Endpoints come from boto3's own configuration (``AWS_ENDPOINT_URL`` and friends), which is how
the local stack points them at moto: nothing here knows where it runs.

SnapStart (shared/core/snapstart.py): no client exists before the snapshot, because a client
holds credentials and connections that every restored copy would share. What a first client
costs that is not the caller's — botocore reading its JSON models and building the client
class, about ten times what a second client costs — is paid before the snapshot by :func:`warm`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
import botocore.session
from botocore.config import Config

# Standard retry mode: exponential backoff with jitter for throttling and transient errors.
CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=3,
    read_timeout=8,
)
# SigV4 signing: presigned requests for KMS-encrypted objects require it.
S3_CONFIG = CLIENT_CONFIG.merge(Config(signature_version="s3v4"))
CONFIGS = {
    "dynamodb": CLIENT_CONFIG,
    "cognito-idp": CLIENT_CONFIG,
    "s3": S3_CONFIG,
    "kms": CLIENT_CONFIG,
    "stepfunctions": CLIENT_CONFIG,
    "secretsmanager": CLIENT_CONFIG,
}
# Keys that sign nothing: a warming client never looks for the function's credentials.
_PLACEHOLDER_KEYS = {"aws_access_key_id": "warming", "aws_secret_access_key": "warming"}


# What botocore read from its data files, kept when the clients and session are forgotten.
_kept_loader: Any = None


@cache
def _botocore_session() -> botocore.session.Session:
    fresh = botocore.session.get_session()
    if _kept_loader is not None:
        fresh.register_component("data_loader", _kept_loader)
    return fresh


@cache
def session() -> boto3.session.Session:
    return boto3.session.Session(botocore_session=_botocore_session())


def _client(service: str) -> Any:
    return session().client(service, config=CONFIGS[service])


@cache
def dynamodb() -> Any:
    """Low-level client: BatchWriteItem and Query with explicit types keep calls countable."""
    return _client("dynamodb")


@cache
def dynamodb_bulk() -> Any:
    """For the Sheets import's batches only: no client-side parameter validation (its requests are
    built by code, never from a request body: about a third less CPU per call, measured) and
    enough connections for the writes it keeps in flight."""
    return session().client(
        "dynamodb", config=CLIENT_CONFIG.merge(Config(parameter_validation=False, max_pool_connections=16))
    )


@cache
def cognito() -> Any:
    return _client("cognito-idp")


@cache
def s3() -> Any:
    return _client("s3")


@cache
def kms() -> Any:
    return _client("kms")


@cache
def stepfunctions() -> Any:
    return _client("stepfunctions")


@cache
def secretsmanager() -> Any:
    return _client("secretsmanager")


_CLIENTS = (dynamodb, dynamodb_bulk, cognito, s3, kms, stepfunctions, secretsmanager)


def warm(service: str) -> None:
    """Load botocore's data for ``service`` and build a client of it once, with placeholder keys
    (no credentials are looked up, no request is made), then drop it: the next client of that
    service is made from what botocore keeps in memory."""
    session().client(service, config=CONFIGS[service], **_PLACEHOLDER_KEYS)


def forget_clients() -> None:
    """Drop every client and the session with any credentials it resolved, keeping only what
    botocore read from its data files (the same in every copy of a snapshot); the next client
    makes a new session."""
    global _kept_loader
    if _botocore_session.cache_info().currsize:
        _kept_loader = _botocore_session().get_component("data_loader")
    reset_clients()


def reset_clients() -> None:
    """Forget cached clients and the session (tests that move the endpoint call this)."""
    for factory in (*_CLIENTS, session, _botocore_session):
        factory.cache_clear()
